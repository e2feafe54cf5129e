import { performance } from "node:perf_hooks";

import { silentLogger } from "../../main/core/log.js";
import type { GpuSample, RequestRecord } from "../../main/core/record.js";
import { DEFAULT_GPU_SERIES_LENGTH } from "../../main/core/snapshot/gpu-series.js";
import { Tokentap } from "../../main/core/tokentap.js";
import { summarize, type Summary } from "../stats.js";
import { SampleRecords } from "./sample-records.js";
import { collectGarbage, meanOf } from "./timing.js";

export interface SnapshotBuildArgs {
  /** Records added to the store, which keeps its default capacity. */
  records: number;
  gpus: number;
  /** Builds before timing starts, so the code is compiled. */
  warmupBuilds: number;
  builds: number;
}

/** Wall-clock times per call, in milliseconds, and CPU time per call. */
export interface BuildTimes extends Summary {
  meanMs: number;
  /**
   * CPU time of the process over all calls divided by their number, in
   * milliseconds. Time spent waiting for a core that other programs hold
   * raises the wall-clock times but not this.
   */
  cpuMeanMs: number;
}

export interface SnapshotBuildResult {
  storeRecords: number;
  models: number;
  gpuSeriesPoints: number;
  /** `Tokentap.snapshot()`. */
  build: BuildTimes;
  /** `JSON.stringify` of the snapshot, the work of one server-sent event push. */
  stringify: BuildTimes;
  jsonBytes: number;
}

/** GPU sampling interval the samples' times are spaced by, in milliseconds. */
const SAMPLE_INTERVAL_MS = 2_000;

/**
 * Times `Tokentap.snapshot()` with a full store, GPU samples and a full GPU
 * series, and `JSON.stringify` of each snapshot. The GPU rounds go through
 * the `createGpuSampler` option, the path a real sampler's rounds take, so
 * they land in the store and in the GPU series alike.
 */
export async function measureSnapshotBuild(
  args: SnapshotBuildArgs,
): Promise<SnapshotBuildResult> {
  let deliver: (samples: GpuSample[]) => void = () => {};
  const tokentap = new Tokentap({
    settings: { listen: "127.0.0.1:0" },
    dataDir: null,
    logger: silentLogger,
    createGpuSampler: (_intervalMs, onSamples) => {
      deliver = onSamples;
      return { start: () => {}, stop: async () => {} };
    },
  });
  await tokentap.start();

  try {
    const records = new SampleRecords(4);
    for (const record of records.take(args.records)) tokentap.store.add(record);
    for (let round = 0; round < DEFAULT_GPU_SERIES_LENGTH; round++)
      deliver(gpuRound(args.gpus, round));
    const arriving = records.take(args.warmupBuilds + args.builds);

    // A record lands before each build, as between two pushes under load,
    // so the store's cached rate percentiles are computed again every time.
    let next = 0;
    const addRecord = () =>
      tokentap.store.add(arriving[next++ % arriving.length] as RequestRecord);
    for (let index = 0; index < args.warmupBuilds; index++) {
      addRecord();
      JSON.stringify(tokentap.snapshot());
    }

    const build = timeEach(args.builds, () => tokentap.snapshot(), addRecord);
    const snapshot = tokentap.snapshot();
    const stringify = timeEach(args.builds, () => JSON.stringify(snapshot));

    return {
      storeRecords: tokentap.store.recent().length,
      models: snapshot.models.length,
      gpuSeriesPoints: snapshot.gpu.series.reduce(
        (sum, series) => sum + series.points.length,
        0,
      ),
      build,
      stringify,
      jsonBytes: Buffer.byteLength(JSON.stringify(snapshot)),
    };
  } finally {
    await tokentap.stop(0);
  }
}

/**
 * Runs `run` `count` times, timing each call on the wall clock and all of
 * them together in CPU time. `before` runs ahead of each call, untimed for
 * the wall clock but inside the CPU total, which is why it must be cheap.
 */
function timeEach(
  count: number,
  run: () => unknown,
  before: () => void = () => {},
): BuildTimes {
  collectGarbage();
  const wallMs: number[] = [];
  const cpuBefore = process.cpuUsage();

  for (let index = 0; index < count; index++) {
    before();
    const startedAt = performance.now();
    run();
    wallMs.push(performance.now() - startedAt);
  }

  const cpu = process.cpuUsage(cpuBefore);
  return {
    ...summarize(wallMs),
    meanMs: meanOf(wallMs),
    cpuMeanMs: (cpu.user + cpu.system) / 1000 / count,
  };
}

/** Builds one sampling round of `gpus` busy GPUs, `round` intervals after the first. */
function gpuRound(gpus: number, round: number): GpuSample[] {
  const sampledAt = new Date(
    Date.UTC(2026, 10, 1, 8, 0, 0) + round * SAMPLE_INTERVAL_MS,
  ).toISOString();

  return Array.from({ length: gpus }, (_, index) => ({
    index,
    name: "NVIDIA GeForce RTX 4090",
    vendor: "NVIDIA",
    busId: `00000000:${(index * 64 + 1).toString(16).padStart(2, "0")}:00.0`,
    utilizationRatio: ((round * 7 + index * 31) % 100) / 100,
    memoryUsedBytes: (12 + ((round + index) % 10)) * 2 ** 30,
    memoryTotalBytes: 24 * 2 ** 30,
    temperatureCelsius: 45 + ((round + index * 5) % 30),
    powerWatts: 80 + ((round * 13 + index * 17) % 350),
    sampledAt,
  }));
}
