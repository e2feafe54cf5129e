import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

/** Durations of repeated runs of one step, in milliseconds. */
export interface RunTimes {
  runs: number;
  medianMs: number;
  maxMs: number;
}

/** Collects garbage, then runs `run` and returns its result and how long it took, in milliseconds. */
export async function timeRun<T>(
  run: () => Promise<T>,
): Promise<{ result: T; ms: number }> {
  collectGarbage();
  const startedAt = performance.now();
  const result = await run();
  return { result, ms: performance.now() - startedAt };
}

/** Summarises the durations of repeated runs. */
export function summarizeRuns(durationsMs: readonly number[]): RunTimes {
  const sorted = [...durationsMs].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1
      ? (sorted[middle] ?? 0)
      : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;

  return {
    runs: sorted.length,
    medianMs: median,
    maxMs: sorted[sorted.length - 1] ?? 0,
  };
}

/** Returns the arithmetic mean, or 0 for no values. */
export function meanOf(values: readonly number[]): number {
  if (values.length === 0) return 0;
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/**
 * Collects garbage before a timed step, so garbage left by the previous
 * step is not charged to it. Does nothing without `--expose-gc`.
 */
export function collectGarbage(): void {
  globalThis.gc?.();
}

/** Runs `run` with a fresh temporary folder and removes the folder afterwards. */
export async function withTemporaryFolder<T>(
  run: (folder: string) => Promise<T>,
): Promise<T> {
  const folder = await mkdtemp(join(tmpdir(), "tokentap-bench-"));
  try {
    return await run(folder);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
