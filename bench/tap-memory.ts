import { matchEndpoint } from "../main/core/tap/endpoints.js";
import { createResponseTap } from "../main/core/tap/response-tap.js";
import type { ResponseTap } from "../main/core/tap/types.js";
import {
  sampleMemoryAfterGc,
  growthPer,
  type MemorySample,
} from "./memory-sample.js";
import { generateLines } from "./ollama-bodies.js";

/** Memory of the proxy process with what is in flight at that moment. */
export interface ProxyMemory {
  memory: MemorySample;
  inFlight: number;
  /** Sum of `retainedBytes()` over the response taps in flight. */
  tapRetainedBytes: number;
}

export interface IsolatedTapArgs {
  count: number;
  tokenLines: number;
  heldLines: number;
}

/** Memory growth per tap, and what the taps report retaining, measured on taps alone. */
export interface IsolatedTapResult {
  count: number;
  perTap: MemorySample;
  retainedBytesPerTap: number;
}

/**
 * Creates `count` response taps for `POST /api/generate` and feeds each the
 * first `heldLines` lines of a stream plus half of the next line, one fresh
 * Buffer per line as a socket delivers them. Returns the heap and Buffer
 * growth per tap while they are all held, the same state as a stream paused
 * mid-line in the proxy.
 */
export async function measureIsolatedTaps(
  args: IsolatedTapArgs,
): Promise<IsolatedTapResult> {
  const endpoint = matchEndpoint("POST", "/api/generate");
  if (!endpoint)
    throw new Error(
      "POST /api/generate is not a tapped endpoint; update the benchmark's stream path",
    );

  const lines = generateLines(args.tokenLines);
  const partLine = lines[args.heldLines];
  if (!partLine)
    throw new Error(
      `heldLines ${args.heldLines} must be below the ${lines.length} lines of a stream`,
    );

  const parts = [
    ...lines.slice(0, args.heldLines),
    partLine.subarray(0, Math.floor(partLine.length / 2)),
  ];
  const taps: ResponseTap[] = [];
  const before = await sampleMemoryAfterGc();

  for (let index = 0; index < args.count; index++) {
    const tap = createResponseTap(endpoint, {
      contentType: "application/x-ndjson",
    });
    for (const part of parts) tap.push(Buffer.from(part), performance.now());
    taps.push(tap);
  }

  const after = await sampleMemoryAfterGc();
  const retained = taps.reduce((sum, tap) => sum + tap.retainedBytes(), 0);
  return {
    count: args.count,
    perTap: growthPer(before, after, args.count),
    retainedBytesPerTap: retained / args.count,
  };
}
