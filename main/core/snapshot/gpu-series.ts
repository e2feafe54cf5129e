import type { GpuSample } from "../record.js";

/** Readings kept per GPU: 180 at the default 2 s interval is the last 6 minutes. */
export const DEFAULT_GPU_SERIES_LENGTH = 180;

/** One GPU's readings over time, oldest first. */
export interface GpuSeries {
  index: number;
  name: string;
  points: GpuSample[];
}

/**
 * A bounded history of GPU samples per GPU, for charts of utilisation and
 * memory over time. Memory stays fixed however long the app runs.
 */
export class GpuSeriesBuffer {
  private readonly byGpu = new Map<number, GpuSeries>();

  constructor(private readonly maxPoints = DEFAULT_GPU_SERIES_LENGTH) {}

  /** Adds one round of samples; GPUs missing from it keep their past points. */
  add(samples: readonly GpuSample[]): void {
    for (const sample of samples) {
      let series = this.byGpu.get(sample.index);
      if (!series || series.name !== sample.name) {
        series = { index: sample.index, name: sample.name, points: [] };
        this.byGpu.set(sample.index, series);
      }

      series.points.push(sample);
      if (series.points.length > this.maxPoints) series.points.shift();
    }
  }

  /** Returns a copy of every GPU's series, ordered by GPU index. */
  read(): GpuSeries[] {
    return [...this.byGpu.values()]
      .sort((a, b) => a.index - b.index)
      .map((series) => ({ ...series, points: [...series.points] }));
  }
}
