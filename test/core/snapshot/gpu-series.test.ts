import { describe, expect, it } from "vitest";

import type { GpuSample } from "../../../main/core/record.js";
import { GpuSeriesBuffer } from "../../../main/core/snapshot/gpu-series.js";

function sample(
  index: number,
  utilizationRatio: number,
  name = "NVIDIA H200",
): GpuSample {
  return {
    index,
    name,
    vendor: "NVIDIA",
    busId: null,
    utilizationRatio,
    memoryUsedBytes: 1,
    memoryTotalBytes: 2,
    temperatureCelsius: 40,
    powerWatts: 100,
    sampledAt: new Date(0).toISOString(),
  };
}

describe("GpuSeriesBuffer", () => {
  it("keeps one series per GPU in index order", () => {
    const buffer = new GpuSeriesBuffer(10);

    buffer.add([sample(1, 0.5), sample(0, 0.1)]);

    expect(buffer.read().map((series) => series.index)).toEqual([0, 1]);
  });

  it("drops the oldest points beyond the bound", () => {
    const buffer = new GpuSeriesBuffer(3);

    for (let round = 0; round < 5; round += 1)
      buffer.add([sample(0, round / 10)]);

    expect(
      buffer.read()[0]?.points.map((point) => point.utilizationRatio),
    ).toEqual([0.2, 0.3, 0.4]);
  });

  it("starts a new series when the GPU at an index changes", () => {
    const buffer = new GpuSeriesBuffer(10);

    buffer.add([sample(0, 0.1)]);
    buffer.add([sample(0, 0.9, "NVIDIA GB10")]);

    expect(buffer.read()[0]?.points).toHaveLength(1);
    expect(buffer.read()[0]?.name).toBe("NVIDIA GB10");
  });

  it("returns copies", () => {
    const buffer = new GpuSeriesBuffer(10);
    buffer.add([sample(0, 0.1)]);

    buffer.read()[0]?.points.pop();

    expect(buffer.read()[0]?.points).toHaveLength(1);
  });
});
