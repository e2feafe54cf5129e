import type { CoreResults } from "../core-phases.js";
import { benchConfig } from "../config.js";
import type { TargetResult } from "../targets.js";

const { targets } = benchConfig;

/** Checks the targets of the core's own measurements. */
export function checkCoreTargets(core: CoreResults): TargetResult[] {
  const { historyAppend, snapshot, samplerStall } = core;
  const gapMs = (value: number) => `${formatSigned(value)} ms`;

  return [
    ...core.historyLoad.cases.map((loadCase) => ({
      name: `History.load() of ${core.historyLoad.lines} lines, maxRecords ${loadCase.maxRecords}, median`,
      target: `< ${targets.historyLoadMs} ms`,
      measured: `${loadCase.times.medianMs.toFixed(0)} ms`,
      pass: loadCase.times.medianMs < targets.historyLoadMs,
    })),
    {
      name: "event-loop delay p99 while appending to history",
      target: `< ${targets.historyAppendP99Ms} ms`,
      measured: `${historyAppend.appending.p99Ms.toFixed(2)} ms`,
      pass: historyAppend.appending.p99Ms < targets.historyAppendP99Ms,
    },
    {
      name: "snapshot build p99",
      target: `< ${targets.snapshotBuildP99Ms} ms`,
      measured: `${snapshot.build.p99.toFixed(2)} ms`,
      pass: snapshot.build.p99 < targets.snapshotBuildP99Ms,
    },
    {
      name: "chunk gap p99 added by the GPU sampler",
      target: `< ${targets.samplerAddedGapMs} ms`,
      measured: gapMs(samplerStall.addedP99Ms),
      pass: samplerStall.addedP99Ms < targets.samplerAddedGapMs,
    },
    {
      name: "chunk gap max added by the GPU sampler",
      target: `< ${targets.samplerAddedGapMs} ms`,
      measured: gapMs(samplerStall.addedMaxMs),
      pass: samplerStall.addedMaxMs < targets.samplerAddedGapMs,
    },
  ];
}

/** Streams cut or failed in the sampler rounds. */
export function countBadCoreStreams(core: CoreResults): number {
  const { without, with: sampled } = core.samplerStall;
  return (
    without.streams.cut +
    without.streams.failed +
    sampled.streams.cut +
    sampled.streams.failed
  );
}

/** Formats a difference with its sign, two decimals. */
export function formatSigned(value: number): string {
  return `${value >= 0 ? "+" : ""}${value.toFixed(2)}`;
}
