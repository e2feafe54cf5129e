import { benchConfig } from "./config.js";
import { formatCoreSections } from "./core/core-report.js";
import type { CoreResults } from "./core-phases.js";
import type { RequestLoadResult } from "./load/request-load.js";
import type { StreamLoadResult } from "./load/stream-load.js";
import type { MachineInfo } from "./machine.js";
import type { CpuShare } from "./cpu-meter.js";
import type { MemoryResult } from "./memory-phase.js";
import type { Measured, Pair, StreamPair } from "./phases.js";
import { cpuPerRequest, type RequestBudget } from "./request-budget.js";
import { table, type Row } from "./table.js";
import type { TargetResult } from "./targets.js";

/** Everything one run measured, as written to bench/out/results.json. */
export interface BenchResults {
  startedAt: string;
  machine: MachineInfo;
  config: typeof benchConfig;
  requests: Pair<RequestLoadResult>;
  /** Proxy CPU per request that the non-streaming target leaves, from `requests`. */
  requestBudget: RequestBudget;
  streams: StreamPair[];
  memory: MemoryResult;
  core: CoreResults;
  /** `os.loadavg()` (1, 5 and 15 minutes) when the run started and when it ended. */
  loadAverage: { atStart: number[]; atEnd: number[] };
  targets: TargetResult[];
}

/** Formats the results as plain-text tables for standard output. */
export function formatReport(results: BenchResults): string {
  const { machine } = results;
  const sections = [
    `Tokentap benchmark, ${results.startedAt}\n${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.os}\n${loadAverageLine(results.loadAverage)}`,
    requestsSection(results.requests, results.requestBudget),
    ...results.streams.map((pair) => streamsSection(pair)),
    memorySection(results.memory),
    ...formatCoreSections(results.core),
    targetsSection(results.targets),
  ];
  return `${sections.join("\n\n")}\n`;
}

function loadAverageLine(loadAverage: BenchResults["loadAverage"]): string {
  const format = (averages: number[]) =>
    averages.map((average) => average.toFixed(2)).join(" ");
  return `load average (1, 5, 15 min) at start ${format(loadAverage.atStart)}, at end ${format(loadAverage.atEnd)}`;
}

/** A proxy's heading and its measurement in one phase. */
interface Through<T> {
  label: string;
  measured: Measured<T>;
}

/** Tokentap first, then the reference proxies that ran in the phase. */
function throughColumns<T>(pair: Pair<T>): Through<T>[] {
  return [
    { label: "Tokentap", measured: pair.through },
    ...pair.references.map((reference) => ({
      label: reference.label,
      measured: reference,
    })),
  ];
}

function header<T>(columns: readonly Through<T>[]): Row {
  return [
    "",
    "direct",
    ...columns.flatMap(({ label }) => [label, `${label}/direct`]),
  ];
}

function requestsSection(
  pair: Pair<RequestLoadResult>,
  budget: RequestBudget,
): string {
  const { requests } = benchConfig;
  const columns = throughColumns(pair);
  const row = (
    name: string,
    value: (result: RequestLoadResult) => number,
    decimals: number,
  ) => ratioRow(name, pair, columns, value, decimals);

  return [
    `Non-streaming POST ${requests.path}, ${requests.concurrency} concurrent, ${requests.rounds} rounds of ${requests.roundMs / 1000} s for each target, the order reversed every round`,
    table([
      header(columns),
      row("requests/s", (result) => result.requestsPerSecond, 0),
      row("latency p50 (ms)", (result) => result.latencyMs.p50, 2),
      row("latency p99 (ms)", (result) => result.latencyMs.p99, 2),
      plainRow("failed", pair, columns, (measured) =>
        String(measured.result.failed),
      ),
      plainRow("CPU % upstream/proxy/load/others", pair, columns, (measured) =>
        formatCpu(measured.cpu),
      ),
      plainRow(
        "CPU µs per request upstream/proxy/load",
        pair,
        columns,
        (measured) => formatCpuPerRequest(measured),
      ),
    ]),
    budgetLine(budget),
    firstErrors(pair, columns),
  ]
    .filter(Boolean)
    .join("\n");
}

function formatCpuPerRequest(measured: Measured<RequestLoadResult>): string {
  const perRequest = cpuPerRequest(measured);
  return [perRequest.upstream, perRequest.proxy, perRequest.load]
    .map((micros) => String(Math.round(micros)))
    .join("/");
}

function budgetLine(budget: RequestBudget): string {
  const micros = (value: number) => Math.round(value).toString();
  return [
    `  At ${budget.ratio}x of direct, ${budget.requestsPerSecond.toFixed(0)} requests/s, ${budget.cores} cores give ${micros(budget.totalMicros)} µs of CPU per request.`,
    `  The upstream used ${micros(budget.upstreamMicros)} µs and the load generator ${micros(budget.loadMicros)} µs through Tokentap, which leaves ${micros(budget.proxyMicros)} µs for the proxy; Tokentap used ${micros(budget.tokentapMicros)} µs.`,
  ].join("\n");
}

function streamsSection(pair: StreamPair): string {
  const { streams } = benchConfig;
  const columns = throughColumns(pair);
  const row = (
    name: string,
    value: (result: StreamLoadResult) => number,
    decimals: number,
  ) => ratioRow(name, pair, columns, value, decimals);

  return [
    `Streaming POST ${streams.path}, ${pair.level.concurrency} concurrent, ${pair.level.total} streams of ${streams.tokenLines + 1} lines ${streams.gapMs} ms apart`,
    table([
      header(columns),
      row("completed streams/s", (result) => result.streamsPerSecond, 1),
      row("chunks/s", (result) => result.chunksPerSecond, 0),
      row("TTFB p50 (ms)", (result) => result.ttfbMs.p50, 2),
      row("TTFB p99 (ms)", (result) => result.ttfbMs.p99, 2),
      row("chunk gap p50 (ms)", (result) => result.gapMs.p50, 2),
      row("chunk gap p99 (ms)", (result) => result.gapMs.p99, 2),
      plainRow(
        "cut / failed",
        pair,
        columns,
        ({ result }) => `${result.cut} / ${result.failed}`,
      ),
      plainRow("CPU % upstream/proxy/load/others", pair, columns, (measured) =>
        formatCpu(measured.cpu),
      ),
    ]),
    firstErrors(pair, columns),
  ]
    .filter(Boolean)
    .join("\n");
}

function memorySection(memory: MemoryResult): string {
  const isolated = memory.isolated.perTap;

  return [
    `Memory, ${memory.openStreams} streams held open through Tokentap mid-line (${memory.held} held, ${memory.open.inFlight} in flight)`,
    table([
      ["proxy heap growth per open stream", kib(memory.heapPerStream)],
      [
        "proxy Buffer growth per open stream",
        kib(memory.arrayBuffersPerStream),
      ],
      [
        "tap retainedBytes() per open stream",
        `${memory.retainedPerStream.toFixed(1)} B`,
      ],
      [
        `tap heap + Buffers per tap, ${memory.isolated.count} taps alone`,
        kib(isolated.heapUsed + isolated.arrayBuffers),
      ],
      [
        "proxy heap after release vs idle",
        kib(memory.afterRelease.memory.heapUsed - memory.idle.memory.heapUsed),
      ],
      [
        "held streams cut / failed",
        `${memory.streams.cut} / ${memory.streams.failed}`,
      ],
    ]),
  ].join("\n");
}

function targetsSection(targets: readonly TargetResult[]): string {
  return [
    "Targets",
    table([
      ["", "target", "measured", "result"],
      ...targets.map((target) => [
        target.name,
        target.target,
        target.measured,
        target.pass ? "PASS" : "FAIL",
      ]),
    ]),
  ].join("\n");
}

/** Builds a row of one value for direct and for each proxy, each proxy's followed by its ratio to direct. */
function ratioRow<T>(
  name: string,
  pair: Pair<T>,
  columns: readonly Through<T>[],
  value: (result: T) => number,
  decimals: number,
): Row {
  const direct = value(pair.direct.result);
  return [
    name,
    direct.toFixed(decimals),
    ...columns.flatMap(({ measured }) => {
      const through = value(measured.result);
      return [through.toFixed(decimals), `${(through / direct).toFixed(2)}x`];
    }),
  ];
}

/** Builds a row of one value for direct and for each proxy, with the ratio columns left empty. */
function plainRow<T>(
  name: string,
  pair: Pair<T>,
  columns: readonly Through<T>[],
  format: (measured: Measured<T>) => string,
): Row {
  return [
    name,
    format(pair.direct),
    ...columns.flatMap(({ measured }) => [format(measured), ""]),
  ];
}

function formatCpu(cpu: CpuShare): string {
  return [cpu.upstream, cpu.proxy, cpu.load, cpu.others]
    .map((share) => (share === null ? "?" : `${Math.round(share * 100)}`))
    .join("/");
}

function firstErrors<T extends { firstError: string | null }>(
  pair: Pair<T>,
  columns: readonly Through<T>[],
): string {
  const lines: string[] = [];
  const direct = pair.direct.result.firstError;
  if (direct) lines.push(`  first error direct: ${direct}`);
  for (const { label, measured } of columns) {
    const error = measured.result.firstError;
    if (error) lines.push(`  first error through ${label}: ${error}`);
  }
  return lines.join("\n");
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(2)} KiB`;
}
