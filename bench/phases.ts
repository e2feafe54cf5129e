import type { BenchChild } from "./bench-child.js";
import { benchConfig, type StreamLevel } from "./config.js";
import {
  addSpans,
  meterCpu,
  shareOf,
  type CpuShare,
  type CpuSpan,
} from "./cpu-meter.js";
import type { HeldStreamsArgs } from "./load/held-streams.js";
import type {
  RequestLoadArgs,
  RequestLoadResult,
} from "./load/request-load.js";
import type {
  StreamCounts,
  StreamLoadArgs,
  StreamLoadResult,
} from "./load/stream-load.js";
import { generateLines } from "./ollama-bodies.js";
import type {
  IsolatedTapArgs,
  IsolatedTapResult,
  ProxyMemory,
} from "./tap-memory.js";

/** The three processes of a run and the two base URLs the load goes to. */
export interface BenchProcesses {
  upstream: BenchChild;
  proxy: BenchChild;
  load: BenchChild;
  directUrl: string;
  proxyUrl: string;
}

export interface Measured<T> {
  result: T;
  cpu: CpuShare;
}

/** The same phase run direct to the upstream and through Tokentap. */
export interface Pair<T> {
  direct: Measured<T>;
  through: Measured<T>;
}

export interface StreamPair extends Pair<StreamLoadResult> {
  level: StreamLevel;
}

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

const { requests, streams, memory, commandTimeoutMs } = benchConfig;
const expectedLines = streams.tokenLines + 1;

/** Runs requests and streams through both paths once, unmeasured, so JIT and pools are warm. */
export async function warmUp(processes: BenchProcesses): Promise<void> {
  for (const url of [processes.directUrl, processes.proxyUrl]) {
    await runRequestRound(processes, "warm-up", url, requests.warmupMs);
    await takeRequestResult(processes, "warm-up");

    // A cut stream is a failure of the run even before measuring starts.
    const warm = await runStreams(processes, url, streams.warmup);
    if (warm.cut + warm.failed > 0) {
      throw new Error(
        `${warm.cut + warm.failed} of ${streams.warmup.total} warm-up streams to ${url} were cut or failed: ${warm.firstError}`,
      );
    }
  }
}

/**
 * Runs `rounds` rounds of non-streaming requests to each target, swapping
 * which target goes first every round, and adds the rounds of each up.
 */
export async function measureRequests(
  processes: BenchProcesses,
): Promise<Pair<RequestLoadResult>> {
  const targets = { direct: processes.directUrl, through: processes.proxyUrl };
  const spans: Partial<Record<keyof typeof targets, CpuSpan>> = {};

  for (let round = 0; round < requests.rounds; round++) {
    const order =
      round % 2 === 0
        ? (["direct", "through"] as const)
        : (["through", "direct"] as const);

    for (const name of order) {
      const { span } = await meterCpu(processes, () =>
        runRequestRound(processes, name, targets[name], requests.roundMs),
      );
      const previous = spans[name];
      spans[name] = previous ? addSpans(previous, span) : span;
    }
  }

  const measured = async (name: keyof typeof targets) => {
    const span = spans[name];
    if (!span)
      throw new Error(`no rounds ran for ${name}; set requests.rounds above 0`);
    return {
      result: await takeRequestResult(processes, name),
      cpu: shareOf(span),
    };
  };

  return {
    direct: await measured("direct"),
    through: await measured("through"),
  };
}

export async function measureStreams(
  processes: BenchProcesses,
  level: StreamLevel,
): Promise<StreamPair> {
  return {
    level,
    direct: await measureCpu(processes, () =>
      runStreams(processes, processes.directUrl, level),
    ),
    through: await measureCpu(processes, () =>
      runStreams(processes, processes.proxyUrl, level),
    ),
  };
}

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

function runRequestRound(
  processes: BenchProcesses,
  series: string,
  url: string,
  durationMs: number,
): Promise<void> {
  const args: RequestLoadArgs = {
    series,
    url,
    path: requests.path,
    concurrency: requests.concurrency,
    durationMs,
  };
  return processes.load.call("requests", args, durationMs + commandTimeoutMs);
}

function takeRequestResult(
  processes: BenchProcesses,
  series: string,
): Promise<RequestLoadResult> {
  return processes.load.call<RequestLoadResult>("request-results", { series });
}

function runStreams(
  processes: BenchProcesses,
  url: string,
  level: StreamLevel,
): Promise<StreamLoadResult> {
  const args: StreamLoadArgs = {
    url,
    path: streams.path,
    concurrency: level.concurrency,
    total: level.total,
    expectedLines,
  };
  return processes.load.call<StreamLoadResult>(
    "streams",
    args,
    commandTimeoutMs,
  );
}

async function measureCpu<T>(
  processes: BenchProcesses,
  run: () => Promise<T>,
): Promise<Measured<T>> {
  const { result, span } = await meterCpu(processes, run);
  return { result, cpu: shareOf(span) };
}
