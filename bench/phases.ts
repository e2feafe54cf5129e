import type { BenchChild } from "./bench-child.js";
import { benchConfig, type StreamLevel } from "./config.js";
import {
  addSpans,
  meterCpu,
  shareOf,
  type CpuShare,
  type CpuSpan,
  type MeteredChildren,
} from "./cpu-meter.js";
import type {
  RequestLoadArgs,
  RequestLoadResult,
} from "./load/request-load.js";
import type { StreamLoadArgs, StreamLoadResult } from "./load/stream-load.js";
import type { ReferenceKind, ReferenceProxy } from "./reference-proxies.js";

/**
 * The three processes of a run, the two base URLs the load goes to, and the
 * reference proxies, each in a process of its own.
 */
export interface BenchProcesses {
  upstream: BenchChild;
  proxy: BenchChild;
  load: BenchChild;
  directUrl: string;
  proxyUrl: string;
  references: readonly ReferenceProxy[];
}

export interface Measured<T> {
  result: T;
  /** `proxy` is the CPU of the process the load went through: Tokentap's, or a reference proxy's. */
  cpu: CpuShare;
}

/** One phase measured through a reference proxy. */
export interface ReferenceMeasured<T> extends Measured<T> {
  kind: ReferenceKind;
  label: string;
}

/**
 * The same phase run direct to the upstream and through Tokentap, and in
 * some phases through the reference proxies too (an empty list otherwise).
 */
export interface Pair<T> {
  direct: Measured<T>;
  through: Measured<T>;
  references: ReferenceMeasured<T>[];
}

/** The URL one series of a phase sends its load to, and the process whose CPU counts as the proxy's. */
interface LoadTarget {
  series: string;
  url: string;
  proxy: BenchChild;
}

export interface StreamPair extends Pair<StreamLoadResult> {
  level: StreamLevel;
}

const { requests, streams, commandTimeoutMs } = benchConfig;
const expectedLines = streams.tokenLines + 1;

/** Runs requests and streams through every path once, unmeasured, so JIT and pools are warm. */
export async function warmUp(processes: BenchProcesses): Promise<void> {
  const urls = [
    processes.directUrl,
    processes.proxyUrl,
    ...processes.references.map((reference) => reference.url),
  ];
  for (const url of urls) {
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
 * Runs `rounds` rounds of non-streaming requests to each target (direct,
 * Tokentap, then each reference proxy), reversing the order every round, and
 * adds the rounds of each target up.
 */
export async function measureRequests(
  processes: BenchProcesses,
): Promise<Pair<RequestLoadResult>> {
  const targets = loadTargets(processes, true);
  const spans = new Map<string, CpuSpan>();

  for (let round = 0; round < requests.rounds; round++) {
    const order = round % 2 === 0 ? targets : [...targets].reverse();

    for (const target of order) {
      const { span } = await meterCpu(meteredFor(processes, target), () =>
        runRequestRound(processes, target.series, target.url, requests.roundMs),
      );
      const previous = spans.get(target.series);
      spans.set(target.series, previous ? addSpans(previous, span) : span);
    }
  }

  const results = new Map<string, Measured<RequestLoadResult>>();
  for (const target of targets) {
    const span = spans.get(target.series);
    if (!span)
      throw new Error(
        `no rounds ran for ${target.series}; set requests.rounds above 0`,
      );
    results.set(target.series, {
      result: await takeRequestResult(processes, target.series),
      cpu: shareOf(span),
    });
  }

  return pairOf(processes, results);
}

/** Runs one stream level direct, through Tokentap and, when `level.references` is set, through each reference proxy. */
export async function measureStreams(
  processes: BenchProcesses,
  level: StreamLevel,
): Promise<StreamPair> {
  const results = new Map<string, Measured<StreamLoadResult>>();
  for (const target of loadTargets(processes, level.references === true)) {
    results.set(
      target.series,
      await measureCpu(meteredFor(processes, target), () =>
        runStreams(processes, target.url, level),
      ),
    );
  }

  return { level, ...pairOf(processes, results) };
}

/** Direct, Tokentap and, when `withReferences`, the reference proxies, in that order. */
function loadTargets(
  processes: BenchProcesses,
  withReferences: boolean,
): LoadTarget[] {
  // Direct load passes no proxy; Tokentap's idle CPU fills that column.
  const targets: LoadTarget[] = [
    { series: "direct", url: processes.directUrl, proxy: processes.proxy },
    { series: "through", url: processes.proxyUrl, proxy: processes.proxy },
  ];
  if (!withReferences) return targets;

  for (const reference of processes.references) {
    targets.push({
      series: reference.kind,
      url: reference.url,
      proxy: reference.child,
    });
  }
  return targets;
}

function meteredFor(
  processes: BenchProcesses,
  target: LoadTarget,
): MeteredChildren {
  return {
    upstream: processes.upstream,
    proxy: target.proxy,
    load: processes.load,
  };
}

/** Collects the measured series into a pair; reference proxies that did not run are left out. */
function pairOf<T>(
  processes: BenchProcesses,
  results: ReadonlyMap<string, Measured<T>>,
): Pair<T> {
  const series = (name: string) => {
    const measured = results.get(name);
    if (!measured) throw new Error(`no load ran for ${name}`);
    return measured;
  };

  const references: ReferenceMeasured<T>[] = [];
  for (const { kind, label } of processes.references) {
    const measured = results.get(kind);
    if (measured) references.push({ kind, label, ...measured });
  }

  return { direct: series("direct"), through: series("through"), references };
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

/** Runs one level of streams through `url`. `gapSeries` names the series where the load generator pools the chunk gaps. */
export function runStreams(
  processes: BenchProcesses,
  url: string,
  level: StreamLevel,
  gapSeries?: string,
): Promise<StreamLoadResult> {
  const args: StreamLoadArgs = {
    url,
    path: streams.path,
    concurrency: level.concurrency,
    total: level.total,
    expectedLines,
    ...(gapSeries === undefined ? {} : { gapSeries }),
  };
  return processes.load.call<StreamLoadResult>(
    "streams",
    args,
    commandTimeoutMs,
  );
}

async function measureCpu<T>(
  processes: MeteredChildren,
  run: () => Promise<T>,
): Promise<Measured<T>> {
  const { result, span } = await meterCpu(processes, run);
  return { result, cpu: shareOf(span) };
}
