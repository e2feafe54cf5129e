import { benchConfig } from "./config.js";
import type { RequestLoadResult } from "./load/request-load.js";
import type { StreamCounts } from "./load/stream-load.js";
import type { MemoryResult } from "./memory-phase.js";
import type { Pair, StreamPair } from "./phases.js";

/** One target with what was measured against it. */
export interface TargetResult {
  name: string;
  target: string;
  measured: string;
  pass: boolean;
}

const { targets } = benchConfig;

/** Checks every target of the benchmark against one run's results. */
export function checkTargets(
  requests: Pair<RequestLoadResult>,
  streams: readonly StreamPair[],
  memory: MemoryResult,
): TargetResult[] {
  const requestsRatio =
    requests.through.result.requestsPerSecond /
    requests.direct.result.requestsPerSecond;
  const failedRequests =
    requests.direct.result.failed + requests.through.result.failed;
  const badStreams = countBadStreams(streams, memory.streams);
  const tapBytes = tapBytesPerStream(memory);

  return [
    {
      name: "non-streaming requests/s through vs direct",
      target: `>= ${targets.requestsRatio}x`,
      measured: `${requestsRatio.toFixed(2)}x`,
      pass: requestsRatio >= targets.requestsRatio,
    },
    ...streams.map((pair) => {
      const ratio = streamsRatio(pair);
      return {
        name: `completed streams/s through vs direct, ${pair.level.concurrency} streams`,
        target: `>= ${targets.streamsRatio}x`,
        measured: `${ratio.toFixed(2)}x`,
        pass: ratio >= targets.streamsRatio,
      };
    }),
    {
      name: "streams cut or failed, all stream phases",
      target: "0",
      measured: String(badStreams),
      pass: badStreams === 0,
    },
    {
      name: "non-streaming requests failed",
      target: "0",
      measured: String(failedRequests),
      pass: failedRequests === 0,
    },
    {
      name: "tap memory per open stream",
      target: `< ${targets.tapBytesPerStream / 1024} KiB`,
      measured: `${(tapBytes / 1024).toFixed(2)} KiB`,
      pass: tapBytes < targets.tapBytesPerStream,
    },
  ];
}

export function streamsRatio(pair: StreamPair): number {
  return (
    pair.through.result.streamsPerSecond / pair.direct.result.streamsPerSecond
  );
}

/** Streams cut or failed in every stream phase, direct ones included. */
export function countBadStreams(
  streams: readonly StreamPair[],
  held: StreamCounts,
): number {
  const bad = (counts: StreamCounts) => counts.cut + counts.failed;
  return streams.reduce(
    (sum, pair) => sum + bad(pair.direct.result) + bad(pair.through.result),
    bad(held),
  );
}

/** Streams cut or failed through the reference proxies, which no target counts but which make a run invalid. */
export function countBadReferenceStreams(
  streams: readonly StreamPair[],
): number {
  let bad = 0;
  for (const pair of streams) {
    for (const reference of pair.references)
      bad += reference.result.cut + reference.result.failed;
  }
  return bad;
}

/**
 * Returns the larger of the two tap measurements: heap and Buffer growth per tap
 * measured on taps alone, and `retainedBytes()` per stream in the proxy.
 */
export function tapBytesPerStream(memory: MemoryResult): number {
  const isolated =
    memory.isolated.perTap.heapUsed + memory.isolated.perTap.arrayBuffers;
  return Math.max(isolated, memory.retainedPerStream);
}
