import { benchConfig } from "./config.js";
import { formatCoreSections } from "./core/core-report.js";
import type { CoreResults } from "./core-phases.js";
import type { RequestLoadResult } from "./load/request-load.js";
import type { MachineInfo } from "./machine.js";
import type { CpuShare } from "./cpu-meter.js";
import type { MemoryResult, Pair, StreamPair } from "./phases.js";
import { table, type Row } from "./table.js";
import type { TargetResult } from "./targets.js";

/** Everything one run measured, as written to bench/out/results.json. */
export interface BenchResults {
  startedAt: string;
  machine: MachineInfo;
  config: typeof benchConfig;
  requests: Pair<RequestLoadResult>;
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
    requestsSection(results.requests),
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

function requestsSection(pair: Pair<RequestLoadResult>): string {
  const { requests } = benchConfig;
  const direct = pair.direct.result;
  const through = pair.through.result;

  return [
    `Non-streaming POST ${requests.path}, ${requests.concurrency} concurrent, ${requests.rounds} alternating rounds of ${requests.roundMs / 1000} s each`,
    table([
      ["", "direct", "through", "through/direct"],
      ratioRow(
        "requests/s",
        direct.requestsPerSecond,
        through.requestsPerSecond,
        0,
      ),
      ratioRow(
        "latency p50 (ms)",
        direct.latencyMs.p50,
        through.latencyMs.p50,
        2,
      ),
      ratioRow(
        "latency p99 (ms)",
        direct.latencyMs.p99,
        through.latencyMs.p99,
        2,
      ),
      ["failed", String(direct.failed), String(through.failed), ""],
      cpuRow(pair.direct.cpu, pair.through.cpu),
      [
        "CPU µs per request upstream/proxy/load",
        cpuPerRequest(pair.direct.cpu, direct.requestsPerSecond),
        cpuPerRequest(pair.through.cpu, through.requestsPerSecond),
        "",
      ],
    ]),
    firstErrors(direct.firstError, through.firstError),
  ]
    .filter(Boolean)
    .join("\n");
}

/** CPU time each benchmark process spent per request, from its share of a core and the request rate. */
function cpuPerRequest(cpu: CpuShare, requestsPerSecond: number): string {
  return [cpu.upstream, cpu.proxy, cpu.load]
    .map((share) => String(Math.round((share * 1_000_000) / requestsPerSecond)))
    .join("/");
}

function streamsSection(pair: StreamPair): string {
  const { streams } = benchConfig;
  const direct = pair.direct.result;
  const through = pair.through.result;

  return [
    `Streaming POST ${streams.path}, ${pair.level.concurrency} concurrent, ${pair.level.total} streams of ${streams.tokenLines + 1} lines ${streams.gapMs} ms apart`,
    table([
      ["", "direct", "through", "through/direct"],
      ratioRow(
        "completed streams/s",
        direct.streamsPerSecond,
        through.streamsPerSecond,
        1,
      ),
      ratioRow("chunks/s", direct.chunksPerSecond, through.chunksPerSecond, 0),
      ratioRow("TTFB p50 (ms)", direct.ttfbMs.p50, through.ttfbMs.p50, 2),
      ratioRow("TTFB p99 (ms)", direct.ttfbMs.p99, through.ttfbMs.p99, 2),
      ratioRow("chunk gap p50 (ms)", direct.gapMs.p50, through.gapMs.p50, 2),
      ratioRow("chunk gap p99 (ms)", direct.gapMs.p99, through.gapMs.p99, 2),
      [
        "cut / failed",
        `${direct.cut} / ${direct.failed}`,
        `${through.cut} / ${through.failed}`,
        "",
      ],
      cpuRow(pair.direct.cpu, pair.through.cpu),
    ]),
    firstErrors(direct.firstError, through.firstError),
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

function ratioRow(
  name: string,
  direct: number,
  through: number,
  decimals: number,
): Row {
  return [
    name,
    direct.toFixed(decimals),
    through.toFixed(decimals),
    `${(through / direct).toFixed(2)}x`,
  ];
}

function cpuRow(direct: CpuShare, through: CpuShare): Row {
  const format = (cpu: CpuShare) =>
    [cpu.upstream, cpu.proxy, cpu.load, cpu.others]
      .map((share) => (share === null ? "?" : `${Math.round(share * 100)}`))
      .join("/");
  return [
    "CPU % upstream/proxy/load/others",
    format(direct),
    format(through),
    "",
  ];
}

function firstErrors(direct: string | null, through: string | null): string {
  const lines: string[] = [];
  if (direct) lines.push(`  first error direct: ${direct}`);
  if (through) lines.push(`  first error through: ${through}`);
  return lines.join("\n");
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(2)} KiB`;
}
