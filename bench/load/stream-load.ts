import { performance } from "node:perf_hooks";

import { summarize, type Summary } from "../stats.js";
import { runStream, type StreamOutcome } from "./stream-client.js";
import { parseTarget } from "./target.js";

export interface StreamLoadArgs {
  url: string;
  path: string;
  concurrency: number;
  /** Streams to run in all; each worker starts the next as soon as its stream ends. */
  total: number;
  expectedLines: number;
  /** Name of a series that collects the chunk gaps of several runs; see `GapSeries`. */
  gapSeries?: string;
}

/** Counts of stream outcomes, with the first error message seen. */
export interface StreamCounts {
  completed: number;
  cut: number;
  failed: number;
  firstError: string | null;
}

export interface StreamLoadResult extends StreamCounts {
  elapsedMs: number;
  streamsPerSecond: number;
  chunksPerSecond: number;
  ttfbMs: Summary;
  gapMs: Summary;
}

/**
 * Runs `total` streams, `concurrency` at a time, and summarises how they
 * went. `onGaps` receives every chunk gap of the run, in milliseconds.
 */
export async function runStreamLoad(
  args: StreamLoadArgs,
  body: Buffer,
  onGaps: (gapsMs: readonly number[]) => void = () => {},
): Promise<StreamLoadResult> {
  const target = parseTarget(args.url);
  const gapsMs: number[] = [];
  const outcomes: StreamOutcome[] = [];
  let started = 0;

  const startedAt = performance.now();
  const worker = async () => {
    while (started < args.total) {
      started++;
      outcomes.push(
        await runStream({
          target,
          path: args.path,
          body,
          expectedLines: args.expectedLines,
          gapsMs,
        }),
      );
    }
  };

  await Promise.all(
    Array.from({ length: Math.min(args.concurrency, args.total) }, worker),
  );
  const elapsedMs = performance.now() - startedAt;
  onGaps(gapsMs);

  const counts = countOutcomes(outcomes);
  const ttfbs = outcomes.flatMap((outcome) =>
    outcome.ttfbMs === null ? [] : [outcome.ttfbMs],
  );
  const chunks = outcomes.reduce((sum, outcome) => sum + outcome.lines, 0);

  return {
    ...counts,
    elapsedMs,
    streamsPerSecond: counts.completed / (elapsedMs / 1000),
    chunksPerSecond: chunks / (elapsedMs / 1000),
    ttfbMs: summarize(ttfbs),
    gapMs: summarize(gapsMs),
  };
}

/** Tallies outcomes by status. */
export function countOutcomes(
  outcomes: readonly StreamOutcome[],
): StreamCounts {
  const counts: StreamCounts = {
    completed: 0,
    cut: 0,
    failed: 0,
    firstError: null,
  };

  for (const outcome of outcomes) {
    counts[outcome.status]++;
    if (outcome.error !== null) counts.firstError ??= outcome.error;
  }
  return counts;
}

/** Chunk gaps of several stream runs per series name, so that rounds of one target add up. */
export class GapSeries {
  readonly #gapsMs = new Map<string, number[]>();

  /** Adds gaps to the series `name`. */
  add(name: string, gapsMs: readonly number[]): void {
    let series = this.#gapsMs.get(name);
    if (!series) {
      series = [];
      this.#gapsMs.set(name, series);
    }
    // A loop, because spreading a large array into push overflows the stack.
    for (const gap of gapsMs) series.push(gap);
  }

  /** Summarises the series `name` and deletes it. */
  take(name: string): Summary {
    const series = this.#gapsMs.get(name);
    if (!series)
      throw new Error(
        `no gap series "${name}"; send streams with that gapSeries first`,
      );
    this.#gapsMs.delete(name);
    return summarize(series);
  }
}
