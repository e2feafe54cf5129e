import { performance } from "node:perf_hooks";

import type { BenchChild } from "./bench-child.js";
import { readMachineBusyMicros } from "./machine-load.js";

/** Share of one core each process used during a phase; 1 is one core busy all the time. */
export interface CpuShare {
  upstream: number;
  proxy: number;
  load: number;
  /** CPU used by every other process of the machine, or null where /proc/stat is missing. */
  others: number | null;
}

/** CPU time used over a span of wall time, all in microseconds. */
export interface CpuSpan {
  wallMicros: number;
  /** Upstream, proxy, load generator and the benchmark's own process, in that order. */
  processMicros: number[];
  machineMicros: number | null;
}

/** The children whose CPU time a span measures. */
export interface MeteredChildren {
  upstream: BenchChild;
  proxy: BenchChild;
  load: BenchChild;
}

/** Runs `run` and measures the CPU time every process used meanwhile. */
export async function meterCpu<T>(
  children: MeteredChildren,
  run: () => Promise<T>,
): Promise<{ result: T; span: CpuSpan }> {
  const before = await sampleCpu(children);
  const startedAt = performance.now();

  const result = await run();

  const wallMicros = (performance.now() - startedAt) * 1000;
  const after = await sampleCpu(children);
  const processMicros = after.processMicros.map(
    (micros, index) => micros - (before.processMicros[index] ?? 0),
  );
  const machineMicros =
    after.machineMicros !== null && before.machineMicros !== null
      ? after.machineMicros - before.machineMicros
      : null;

  return { result, span: { wallMicros, processMicros, machineMicros } };
}

/** Adds two spans, as for rounds of the same phase. */
export function addSpans(first: CpuSpan, second: CpuSpan): CpuSpan {
  return {
    wallMicros: first.wallMicros + second.wallMicros,
    processMicros: first.processMicros.map(
      (micros, index) => micros + (second.processMicros[index] ?? 0),
    ),
    machineMicros:
      first.machineMicros !== null && second.machineMicros !== null
        ? first.machineMicros + second.machineMicros
        : null,
  };
}

/** Turns a span into each process's share of one core. */
export function shareOf(span: CpuSpan): CpuShare {
  const share = (index: number) =>
    (span.processMicros[index] ?? 0) / span.wallMicros;
  const ours = share(0) + share(1) + share(2) + share(3);
  const others =
    span.machineMicros === null
      ? null
      : Math.max(0, span.machineMicros / span.wallMicros - ours);

  return { upstream: share(0), proxy: share(1), load: share(2), others };
}

async function sampleCpu(
  children: MeteredChildren,
): Promise<{ processMicros: number[]; machineMicros: number | null }> {
  const times = await Promise.all(
    [children.upstream, children.proxy, children.load].map((child) =>
      child.cpuMicros(),
    ),
  );
  const own = process.cpuUsage();

  return {
    processMicros: [...times, own.user + own.system],
    machineMicros: readMachineBusyMicros(),
  };
}
