import type { GpuSeries, RequestPoint } from "../types.js";
import { groupLines, type Line } from "./line.js";

/** Legend name of requests that named no model. */
export const NO_MODEL = "(no model)";

/** Decode rate lines per model, in tokens per second. */
export function rateLines(series: readonly RequestPoint[]): Line[] {
  return groupLines(series, modelName, (point) =>
    point.tokensPerSecond === null
      ? null
      : { x: Date.parse(point.at), y: point.tokensPerSecond },
  );
}

/** Time to first token lines per model, in milliseconds. */
export function ttftLines(series: readonly RequestPoint[]): Line[] {
  return groupLines(series, modelName, (point) =>
    point.ttftMs === null ? null : { x: Date.parse(point.at), y: point.ttftMs },
  );
}

/** Utilisation lines per GPU, in percent. */
export function gpuUtilizationLines(series: readonly GpuSeries[]): Line[] {
  return series.map((gpu) => ({
    label: gpuName(gpu),
    points: gpu.points.flatMap((sample) =>
      sample.utilizationRatio === null
        ? []
        : [
            {
              x: Date.parse(sample.sampledAt),
              y: sample.utilizationRatio * 100,
            },
          ],
    ),
  }));
}

/** Used memory lines per GPU, in GiB. */
export function gpuMemoryLines(series: readonly GpuSeries[]): Line[] {
  return series.map((gpu) => ({
    label: gpuName(gpu),
    points: gpu.points.flatMap((sample) =>
      sample.memoryUsedBytes === null
        ? []
        : [
            {
              x: Date.parse(sample.sampledAt),
              y: sample.memoryUsedBytes / 2 ** 30,
            },
          ],
    ),
  }));
}

/** Returns the largest total memory of any GPU in GiB (the top of the memory chart), or undefined when unknown. */
export function gpuMemoryCeiling(
  series: readonly GpuSeries[],
): number | undefined {
  let largest: number | undefined;
  for (const gpu of series) {
    for (const sample of gpu.points) {
      if (sample.memoryTotalBytes === null) continue;
      largest = Math.max(largest ?? 0, sample.memoryTotalBytes / 2 ** 30);
    }
  }
  return largest;
}

function modelName(point: RequestPoint): string {
  return point.model ?? NO_MODEL;
}

function gpuName(gpu: GpuSeries): string {
  return `GPU ${gpu.index}: ${gpu.name}`;
}
