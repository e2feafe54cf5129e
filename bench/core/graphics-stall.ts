import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";

import { GpuSampler } from "../../main/core/gpu/gpu-sampler.js";
import { silentLogger } from "../../main/core/log.js";
import { fakeGpuEnv } from "./fake-gpu-tools.js";
import { measureLoopDelay, type LoopDelay } from "./loop-delay.js";
import { summarizeRuns, type RunTimes } from "./timing.js";

export interface GraphicsStallArgs {
  /** Length of each case, in milliseconds. */
  spanMs: number;
  /** Interval of the `GpuSampler` case, in milliseconds. */
  samplerIntervalMs: number;
  /** Pause between two `graphics()` calls, in milliseconds. */
  graphicsPauseMs: number;
}

export interface GraphicsStallResult {
  /** This process doing nothing. */
  idle: LoopDelay;
  /** `GpuSampler`, which runs the tools in a child probe process. */
  sampler: LoopDelay & { rounds: number };
  /** systeminformation's `graphics()` called on this thread. */
  mainThread: LoopDelay & { calls: number; callTimes: RunTimes };
}

/**
 * Measures how much sampling the slow fake nvidia-smi delays the event loop
 * of the process that samples. Three cases run: idle, through `GpuSampler`,
 * and systeminformation's `graphics()` on this thread, whose synchronous
 * exec of nvidia-smi blocks the loop for the whole run of the tool. It
 * changes this process's environment, so no other phase shares the process.
 */
export async function measureGraphicsStall(
  args: GraphicsStallArgs,
): Promise<GraphicsStallResult> {
  const idle = await measureLoopDelay(() => sleep(args.spanMs));
  const sampler = await measureLoopDelay(() => runSampler(args));
  const mainThread = await measureLoopDelay(() => runMainThreadGraphics(args));

  return {
    idle: idle.delay,
    sampler: { ...sampler.delay, rounds: sampler.result },
    mainThread: {
      ...mainThread.delay,
      calls: mainThread.result.length,
      callTimes: summarizeRuns(mainThread.result),
    },
  };
}

/** Runs a `GpuSampler` for the span and returns the number of rounds that found GPUs. */
async function runSampler(args: GraphicsStallArgs): Promise<number> {
  let rounds = 0;
  const sampler = new GpuSampler({
    intervalMs: args.samplerIntervalMs,
    logger: silentLogger,
    env: fakeGpuEnv(),
    onSamples: (samples) => {
      if (samples.length > 0) rounds++;
    },
  });

  sampler.start();
  await sleep(args.spanMs);
  await sampler.stop();
  return rounds;
}

/** Calls `graphics()` until the span is over and returns each call's duration in milliseconds. */
async function runMainThreadGraphics(
  args: GraphicsStallArgs,
): Promise<number[]> {
  // systeminformation copies process.env into its exec options when it
  // loads, so the fake tools' environment must be in place first.
  const saved = { ...process.env };
  Object.assign(process.env, fakeGpuEnv());
  const durationsMs: number[] = [];

  try {
    const systeminformation = await import("systeminformation");
    const endAt = performance.now() + args.spanMs;
    while (performance.now() < endAt) {
      const startedAt = performance.now();
      await systeminformation.graphics();
      durationsMs.push(performance.now() - startedAt);
      await sleep(args.graphicsPauseMs);
    }
  } finally {
    restoreEnvironment(saved);
  }
  return durationsMs;
}

function restoreEnvironment(saved: NodeJS.ProcessEnv): void {
  for (const name of Object.keys(process.env))
    if (!(name in saved)) delete process.env[name];
  Object.assign(process.env, saved);
}
