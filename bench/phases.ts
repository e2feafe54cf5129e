import { performance } from "node:perf_hooks";

import type { BenchChild } from "./bench-child.js";
import { benchConfig, type StreamLevel } from "./config.js";
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
import { readMachineBusyMicros } from "./machine-load.js";
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

/** Share of one core each process used during a phase; 1 is one core busy all the time. */
export interface CpuShare {
  upstream: number;
  proxy: number;
  load: number;
  /** CPU used by every other process of the machine, or null where /proc/stat is missing. */
  others: number | null;
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
    await runRequests(processes, url, requests.warmupMs);
    await runStreams(processes, url, streams.warmup);
  }
}

export async function measureRequests(
  processes: BenchProcesses,
): Promise<Pair<RequestLoadResult>> {
  return {
    direct: await measureCpu(processes, () =>
      runRequests(processes, processes.directUrl, requests.durationMs),
    ),
    through: await measureCpu(processes, () =>
      runRequests(processes, processes.proxyUrl, requests.durationMs),
    ),
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

function runRequests(
  processes: BenchProcesses,
  url: string,
  durationMs: number,
): Promise<RequestLoadResult> {
  const args: RequestLoadArgs = {
    url,
    path: requests.path,
    concurrency: requests.concurrency,
    durationMs,
  };
  return processes.load.call<RequestLoadResult>(
    "requests",
    args,
    durationMs + commandTimeoutMs,
  );
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
  const before = await sampleCpu(processes);
  const startedAt = performance.now();

  const result = await run();

  const wallMicros = (performance.now() - startedAt) * 1000;
  const after = await sampleCpu(processes);
  const share = (index: number) =>
    ((after.processes[index] ?? 0) - (before.processes[index] ?? 0)) /
    wallMicros;
  const ours = share(0) + share(1) + share(2) + share(3);

  let others: number | null = null;
  if (before.machine !== null && after.machine !== null) {
    others = Math.max(0, (after.machine - before.machine) / wallMicros - ours);
  }

  return {
    result,
    cpu: { upstream: share(0), proxy: share(1), load: share(2), others },
  };
}

/** CPU time so far of the three children and this process, and of the whole machine, in microseconds. */
async function sampleCpu(
  processes: BenchProcesses,
): Promise<{ processes: number[]; machine: number | null }> {
  const children = [processes.upstream, processes.proxy, processes.load];
  const times = await Promise.all(children.map((child) => child.cpuMicros()));
  const own = process.cpuUsage();
  return {
    processes: [...times, own.user + own.system],
    machine: readMachineBusyMicros(),
  };
}
