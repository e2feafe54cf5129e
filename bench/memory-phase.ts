import { benchConfig } from "./config.js";
import type { HeldStreamsArgs } from "./load/held-streams.js";
import type { StreamCounts } from "./load/stream-load.js";
import { generateLines } from "./ollama-bodies.js";
import type { BenchProcesses } from "./phases.js";
import type {
  IsolatedTapArgs,
  IsolatedTapResult,
  ProxyMemory,
} from "./tap-memory.js";

export interface MemoryResult {
  openStreams: number;
  held: number;
  idle: ProxyMemory;
  open: ProxyMemory;
  afterRelease: ProxyMemory;
  /** Growth of the proxy's V8 heap per open stream, in bytes. */
  heapPerStream: number;
  /** Growth of the proxy's Buffer memory per open stream, in bytes. */
  arrayBuffersPerStream: number;
  /** Sum of the taps' `retainedBytes()` per open stream, in bytes. */
  retainedPerStream: number;
  isolated: IsolatedTapResult;
  streams: StreamCounts;
}

const { streams, memory, commandTimeoutMs } = benchConfig;
const expectedLines = streams.tokenLines + 1;

/**
 * Holds `openStreams` streams open through Tokentap, paused by the upstream
 * halfway through a line, and samples the proxy's memory after a full GC
 * before, during and after. Then measures the same number of taps alone.
 */
export async function measureMemory(
  processes: BenchProcesses,
): Promise<MemoryResult> {
  const { upstream, proxy, load } = processes;
  const count = memory.openStreams;

  await upstream.call("hold", { heldLines: memory.heldLines });
  const idle = await proxy.call<ProxyMemory>("memory");

  const heldArgs: HeldStreamsArgs = {
    url: processes.proxyUrl,
    path: streams.path,
    count,
    expectedLines,
    heldBytes: heldBodyBytes(),
  };
  const { held } = await load.call<{ held: number }>(
    "open-held",
    heldArgs,
    commandTimeoutMs,
  );
  const open = await proxy.call<ProxyMemory>("memory");

  await upstream.call("release");
  const streamCounts = await load.call<StreamCounts>(
    "finish-held",
    {},
    commandTimeoutMs,
  );
  const afterRelease = await proxy.call<ProxyMemory>("memory");

  const isolatedArgs: IsolatedTapArgs = {
    count,
    tokenLines: streams.tokenLines,
    heldLines: memory.heldLines,
  };
  const isolated = await proxy.call<IsolatedTapResult>(
    "isolated-taps",
    isolatedArgs,
    commandTimeoutMs,
  );

  return {
    openStreams: count,
    held,
    idle,
    open,
    afterRelease,
    heapPerStream: (open.memory.heapUsed - idle.memory.heapUsed) / count,
    arrayBuffersPerStream:
      (open.memory.arrayBuffers - idle.memory.arrayBuffers) / count,
    retainedPerStream: open.tapRetainedBytes / count,
    isolated,
    streams: streamCounts,
  };
}

/** Bytes of a stream up to where the upstream pauses it: the held lines and half the next. */
function heldBodyBytes(): number {
  const lines = generateLines(streams.tokenLines);
  const sent = lines
    .slice(0, memory.heldLines)
    .reduce((sum, line) => sum + line.length, 0);
  return sent + Math.floor((lines[memory.heldLines]?.length ?? 0) / 2);
}
