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

/** Runs `total` streams, `concurrency` at a time, and summarises how they went. */
export async function runStreamLoad(
  args: StreamLoadArgs,
  body: Buffer,
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
