import type { BenchChild } from "./bench-child.js";
import { benchConfig } from "./config.js";
import { fakeGpuEnv } from "./core/fake-gpu-tools.js";
import type {
  GraphicsStallArgs,
  GraphicsStallResult,
} from "./core/graphics-stall.js";
import type {
  HistoryAppendArgs,
  HistoryAppendResult,
} from "./core/history-append.js";
import type {
  HistoryLoadArgs,
  HistoryLoadResult,
} from "./core/history-load.js";
import {
  measureSamplerStall,
  type SamplerStallArgs,
  type SamplerStallResult,
} from "./core/sampler-stall.js";
import type {
  SnapshotBuildArgs,
  SnapshotBuildResult,
} from "./core/snapshot-build.js";
import type { BenchProcesses } from "./phases.js";
import type { ProxyStartArgs } from "./proxy-process.js";

/** Results of the core's own measurements. */
export interface CoreResults {
  historyLoad: HistoryLoadResult;
  historyAppend: HistoryAppendResult;
  snapshot: SnapshotBuildResult;
  samplerStall: SamplerStallResult;
  graphicsStall: GraphicsStallResult;
}

/** Forks a bench script as a child process that the run stops on exit. */
export type ChildStarter = (
  name: string,
  script: string,
  execArgv?: readonly string[],
) => BenchChild;

const { core, commandTimeoutMs } = benchConfig;

/**
 * Measures history, snapshots and GPU sampling. History and snapshots run
 * in a process of their own, and so does `graphics()` on the main thread,
 * because it changes its process's environment. The sampler's effect on
 * streams needs a second Tokentap process that samples the GPU.
 */
export async function measureCore(
  processes: BenchProcesses,
  startChild: ChildStarter,
  log: (message: string) => void,
): Promise<CoreResults> {
  const child = startChild("core", "./core-process.js", ["--expose-gc"]);

  log(`measuring History.load() of ${core.historyLoad.lines} lines`);
  const historyLoadArgs: HistoryLoadArgs = core.historyLoad;
  const historyLoad = await child.call<HistoryLoadResult>(
    "history-load",
    historyLoadArgs,
    commandTimeoutMs,
  );

  log(
    `measuring the event-loop delay of ${core.historyAppend.ratePerSecond} history appends a second`,
  );
  const historyAppendArgs: HistoryAppendArgs = core.historyAppend;
  const historyAppend = await child.call<HistoryAppendResult>(
    "history-append",
    historyAppendArgs,
    commandTimeoutMs,
  );

  log(`measuring ${core.snapshot.builds} snapshot builds`);
  const snapshotArgs: SnapshotBuildArgs = core.snapshot;
  const snapshot = await child.call<SnapshotBuildResult>(
    "snapshot-build",
    snapshotArgs,
    commandTimeoutMs,
  );
  await child.stop();

  log("measuring streams through Tokentap with and without the GPU sampler");
  const samplerStall = await measureWithSampledProxy(processes, startChild);

  log("measuring the event-loop delay of GPU sampling in the sampling process");
  const graphicsChild = startChild("GPU stall", "./core-process.js");
  const graphicsArgs: GraphicsStallArgs = core.graphicsStall;
  const graphicsStall = await graphicsChild.call<GraphicsStallResult>(
    "graphics-stall",
    graphicsArgs,
    commandTimeoutMs,
  );
  await graphicsChild.stop();

  return { historyLoad, historyAppend, snapshot, samplerStall, graphicsStall };
}

async function measureWithSampledProxy(
  processes: BenchProcesses,
  startChild: ChildStarter,
): Promise<SamplerStallResult> {
  const args: SamplerStallArgs = core.samplerStall;
  const child = startChild("proxy with GPU sampler", "./proxy-process.js", [
    "--expose-gc",
  ]);

  const startArgs: ProxyStartArgs = {
    upstream: processes.directUrl,
    gpu: { intervalMs: args.intervalMs, env: fakeGpuEnv() },
  };
  const { url } = await child.call<{ url: string }>("start", startArgs);
  const result = await measureSamplerStall(processes, { child, url }, args);
  await child.stop();
  return result;
}
