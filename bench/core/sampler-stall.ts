import type { BenchChild } from "../bench-child.js";
import { benchConfig, type StreamLevel } from "../config.js";
import type { StreamCounts, StreamLoadResult } from "../load/stream-load.js";
import { runStreams, type BenchProcesses } from "../phases.js";
import type { GpuRounds } from "../proxy-process.js";
import type { Summary } from "../stats.js";
import type { LoopDelay } from "./loop-delay.js";

export interface SamplerStallArgs {
  /** GPU sampling interval of the sampled Tokentap, in milliseconds. */
  intervalMs: number;
  /** Stream load of each round. */
  level: StreamLevel;
  /** Pairs of rounds; the order swaps every pair: without, with, with, without. */
  pairs: number;
}

/** Stream rounds through one Tokentap process. */
export interface StallSide {
  /** Time between two body chunks of one stream at the client, in milliseconds. */
  gapMs: Summary;
  /** Event-loop delay of the Tokentap process, the worst of its rounds. */
  proxyLoopDelay: LoopDelay;
  streams: StreamCounts;
}

export interface SamplerStallResult {
  intervalMs: number;
  level: StreamLevel;
  rounds: number;
  without: StallSide;
  /** `gpuRounds` counts the sampling rounds delivered while streams ran through this Tokentap. */
  with: StallSide & { gpuRounds: GpuRounds };
  /** Chunk gap p99 with the sampler minus without, in milliseconds. */
  addedP99Ms: number;
  /** Chunk gap maximum with the sampler minus without, in milliseconds. */
  addedMaxMs: number;
}

/** A Tokentap process and the URL it listens on. */
export interface TokentapProcess {
  child: BenchChild;
  url: string;
}

const { streams } = benchConfig;

/**
 * Runs the same stream rounds through the plain Tokentap and through one
 * that samples the slow fake GPU tools. The rounds alternate, so that load
 * from other programs falls on both about equally. Returns the chunk gaps at
 * the client and each Tokentap's event-loop delay.
 */
export async function measureSamplerStall(
  processes: BenchProcesses,
  sampled: TokentapProcess,
  args: SamplerStallArgs,
): Promise<SamplerStallResult> {
  await warmUp(processes, sampled.url);

  const sides = {
    without: { child: processes.proxy, url: processes.proxyUrl },
    with: sampled,
  };
  const counts = { without: emptyCounts(), with: emptyCounts() };
  // Rounds the sampler delivered during the rounds through it.
  const gpuRounds: GpuRounds = { rounds: 0, withGpus: 0 };

  for (let pair = 0; pair < args.pairs; pair++) {
    const order =
      pair % 2 === 0
        ? (["without", "with"] as const)
        : (["with", "without"] as const);

    for (const name of order) {
      const side = sides[name];
      const roundsBefore = await sampled.child.call<GpuRounds>("gpu-rounds");
      const result = await runRound(processes, side, args.level, name);
      addCounts(counts[name], result);

      if (name === "with") {
        const roundsAfter = await sampled.child.call<GpuRounds>("gpu-rounds");
        gpuRounds.rounds += roundsAfter.rounds - roundsBefore.rounds;
        gpuRounds.withGpus += roundsAfter.withGpus - roundsBefore.withGpus;
      }
    }
  }

  const summarizeSide = async (
    name: keyof typeof sides,
  ): Promise<StallSide> => ({
    gapMs: await processes.load.call<Summary>("gap-results", {
      series: `sampler-${name}`,
    }),
    proxyLoopDelay: await sides[name].child.call<LoopDelay>("loop-delay"),
    streams: counts[name],
  });
  const without = await summarizeSide("without");
  const withSampler = await summarizeSide("with");
  if (gpuRounds.withGpus === 0)
    throw new Error(
      `the GPU sampler found no GPU in the ${gpuRounds.rounds} rounds it delivered while streams ran through it, so nothing was measured; check the fake tools in test/data/gpu/bin`,
    );

  return {
    intervalMs: args.intervalMs,
    level: args.level,
    rounds: 2 * args.pairs,
    without,
    with: { ...withSampler, gpuRounds },
    addedP99Ms: withSampler.gapMs.p99 - without.gapMs.p99,
    addedMaxMs: withSampler.gapMs.max - without.gapMs.max,
  };
}

/** Runs one round of streams through `side`, measuring its event-loop delay meanwhile. */
async function runRound(
  processes: BenchProcesses,
  side: TokentapProcess,
  level: StreamLevel,
  name: string,
): Promise<StreamLoadResult> {
  await side.child.call("loop-delay-start");
  const result = await runStreams(
    processes,
    side.url,
    level,
    `sampler-${name}`,
  );
  await side.child.call("loop-delay-stop");
  return result;
}

/** Runs the warm-up streams through the sampled Tokentap, which is a fresh process. */
async function warmUp(processes: BenchProcesses, url: string): Promise<void> {
  const warm = await runStreams(processes, url, streams.warmup);
  if (warm.cut + warm.failed > 0)
    throw new Error(
      `${warm.cut + warm.failed} of ${streams.warmup.total} warm-up streams to ${url} were cut or failed: ${warm.firstError}`,
    );
}

function emptyCounts(): StreamCounts {
  return { completed: 0, cut: 0, failed: 0, firstError: null };
}

function addCounts(total: StreamCounts, run: StreamCounts): void {
  total.completed += run.completed;
  total.cut += run.cut;
  total.failed += run.failed;
  total.firstError ??= run.firstError;
}
