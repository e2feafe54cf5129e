import { benchConfig } from "../config.js";
import type { CoreResults } from "../core-phases.js";
import { table, type Row } from "../table.js";
import { formatSigned } from "./core-targets.js";
import { FAKE_NVIDIA_SMI_DELAY_S } from "./fake-gpu-tools.js";
import type { GraphicsStallResult } from "./graphics-stall.js";
import type { HistoryAppendResult } from "./history-append.js";
import type { HistoryLoadResult } from "./history-load.js";
import type { LoopDelay } from "./loop-delay.js";
import type { SamplerStallResult } from "./sampler-stall.js";
import type { SnapshotBuildResult } from "./snapshot-build.js";

/** Formats the core's measurements as plain-text tables, one section each. */
export function formatCoreSections(core: CoreResults): string[] {
  return [
    historyLoadSection(core.historyLoad),
    historyAppendSection(core.historyAppend),
    snapshotSection(core.snapshot),
    samplerStallSection(core.samplerStall),
    graphicsStallSection(core.graphicsStall),
  ];
}

function historyLoadSection(load: HistoryLoadResult): string {
  const megabytes = (load.fileBytes / 1e6).toFixed(1);

  return [
    `History load, ${load.lines} lines (${megabytes} MB), ${load.baseline.runs} runs each, interleaved`,
    table([
      ["", "median ms", "max ms", "vs baseline", "records", "rewritten"],
      [
        "baseline: readFile, split, JSON.parse",
        load.baseline.medianMs.toFixed(0),
        load.baseline.maxMs.toFixed(0),
        "1.00x",
        String(load.lines),
        "",
      ],
      ...load.cases.map((loadCase): Row => [
        `History.load(), maxRecords ${loadCase.maxRecords}`,
        loadCase.times.medianMs.toFixed(0),
        loadCase.times.maxMs.toFixed(0),
        `${loadCase.ratio.toFixed(2)}x`,
        String(loadCase.records),
        loadCase.rewritten ? "yes" : "no",
      ]),
    ]),
  ].join("\n");
}

function historyAppendSection(append: HistoryAppendResult): string {
  const { historyAppend } = benchConfig.core;

  return [
    `History append, ${historyAppend.ratePerSecond} records/s for ${historyAppend.durationMs / 1000} s from a ${historyAppend.tickMs} ms timer, maxRecords ${historyAppend.maxRecords}, ${append.trims} trim(s) in the window`,
    table([
      ["event-loop delay (ms)", "timer only", "appending", "appending/timer"],
      ...delayRows(append.baseline, append.appending),
      [
        "records appended / written / dropped",
        "",
        `${append.appended} / ${append.written} / ${append.dropped}`,
        "",
      ],
    ]),
  ].join("\n");
}

function snapshotSection(snapshot: SnapshotBuildResult): string {
  const kilobytes = (snapshot.jsonBytes / 1024).toFixed(0);
  const times = (name: string, value: SnapshotBuildResult["build"]): Row => [
    name,
    value.meanMs.toFixed(3),
    value.p50.toFixed(3),
    value.p99.toFixed(3),
    value.max.toFixed(3),
    value.cpuMeanMs.toFixed(3),
  ];

  return [
    `Snapshot build, ${snapshot.storeRecords} records of ${snapshot.models} models, ${snapshot.gpuSeriesPoints} GPU series points, ${kilobytes} KiB of JSON, ${snapshot.build.count} builds`,
    table([
      ["ms per call", "mean", "p50", "p99", "max", "CPU mean"],
      times("Tokentap.snapshot()", snapshot.build),
      times("JSON.stringify(snapshot)", snapshot.stringify),
    ]),
  ].join("\n");
}

function samplerStallSection(stall: SamplerStallResult): string {
  const { without, with: sampled } = stall;
  const differenceRow = (name: string, before: number, after: number): Row => [
    name,
    before.toFixed(2),
    after.toFixed(2),
    formatSigned(after - before),
  ];

  return [
    `GPU sampler, every ${stall.intervalMs} ms with a ${FAKE_NVIDIA_SMI_DELAY_S} s nvidia-smi: ${stall.level.concurrency} concurrent streams, ${stall.rounds} alternating rounds of ${stall.level.total}`,
    table([
      ["", "without sampler", "with sampler", "with - without"],
      differenceRow("chunk gap p50 (ms)", without.gapMs.p50, sampled.gapMs.p50),
      differenceRow("chunk gap p99 (ms)", without.gapMs.p99, sampled.gapMs.p99),
      differenceRow("chunk gap max (ms)", without.gapMs.max, sampled.gapMs.max),
      differenceRow(
        "proxy event-loop delay p99 (ms)",
        without.proxyLoopDelay.p99Ms,
        sampled.proxyLoopDelay.p99Ms,
      ),
      differenceRow(
        "proxy event-loop delay max (ms)",
        without.proxyLoopDelay.maxMs,
        sampled.proxyLoopDelay.maxMs,
      ),
      [
        "GPU rounds during these rounds / with GPUs",
        "",
        `${sampled.gpuRounds.rounds} / ${sampled.gpuRounds.withGpus}`,
        "",
      ],
      [
        "cut / failed",
        `${without.streams.cut} / ${without.streams.failed}`,
        `${sampled.streams.cut} / ${sampled.streams.failed}`,
        "",
      ],
    ]),
  ].join("\n");
}

function graphicsStallSection(stall: GraphicsStallResult): string {
  const { graphicsStall } = benchConfig.core;
  const delay = (pick: (value: LoopDelay) => number) =>
    [stall.idle, stall.sampler, stall.mainThread].map((value) =>
      pick(value).toFixed(2),
    );

  return [
    `Event-loop delay of the sampling process, ${FAKE_NVIDIA_SMI_DELAY_S} s nvidia-smi, ${graphicsStall.spanMs / 1000} s per case`,
    table([
      [
        "event-loop delay (ms)",
        "idle",
        "GpuSampler",
        "graphics() on main thread",
      ],
      ["p50", ...delay((value) => value.p50Ms)],
      ["p99", ...delay((value) => value.p99Ms)],
      ["max", ...delay((value) => value.maxMs)],
      [
        "rounds / calls (median ms per call)",
        "",
        String(stall.sampler.rounds),
        `${stall.mainThread.calls} (${stall.mainThread.callTimes.medianMs.toFixed(0)})`,
      ],
    ]),
  ].join("\n");
}

function delayRows(baseline: LoopDelay, measured: LoopDelay): Row[] {
  const row = (name: string, pick: (value: LoopDelay) => number): Row => [
    name,
    pick(baseline).toFixed(2),
    pick(measured).toFixed(2),
    `${(pick(measured) / pick(baseline)).toFixed(2)}x`,
  ];
  return [
    row("p50", (value) => value.p50Ms),
    row("p99", (value) => value.p99Ms),
    row("max", (value) => value.maxMs),
  ];
}
