import { afterEach, describe, expect, it } from "vitest";

import { GpuSampler } from "../../../main/core/gpu/gpu-sampler.js";
import { createMetrics } from "../../../main/core/metrics/metrics.js";
import { Store } from "../../../main/core/store/store.js";
import { parseSamples, type Sample } from "../metrics/parse-exposition.js";
import {
  createFakeTools,
  createMemoryLogger,
  type FakeTools,
  gpuFixture,
} from "./fake-tools.js";
import { MIB } from "./h200-reading.js";

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** Samples the fake nvidia-smi once into a store and returns the GPU series of the rendered exposition. */
async function scrapeGpuSeries(csvName: string): Promise<Sample[]> {
  const tools: FakeTools = await createFakeTools({
    nvidiaSmiCsv: gpuFixture(csvName),
  });
  const store = new Store();
  const sampler = new GpuSampler({
    logger: createMemoryLogger().logger,
    env: tools.env,
    onSamples: (samples) => store.setGpu(samples),
  });
  cleanups.push(async () => {
    await sampler.stop();
    await tools.remove();
  });
  const metrics = createMetrics({
    inFlight: () => 0,
    proxyEnabled: () => true,
    gpu: () => store.gpu(),
  });

  await sampler.sampleOnce();
  const { body } = await metrics.render();

  return parseSamples(body).filter((sample) =>
    sample.name.startsWith("tokentap_gpu_"),
  );
}

function series(
  name: string,
  gpu: string,
  gpuName: string,
  value: number,
): Sample {
  return {
    name: `tokentap_gpu_${name}`,
    labels: { gpu, name: gpuName },
    value,
  };
}

describe("GPU samples in /metrics", () => {
  it("carries the H200's values", async () => {
    const h200 = "NVIDIA H200";

    expect(await scrapeGpuSeries("nvidia-smi-h200.csv")).toEqual([
      series("utilization_ratio", "0", h200, 0.37),
      series("memory_used_bytes", "0", h200, 81234 * MIB),
      series("memory_total_bytes", "0", h200, 143771 * MIB),
      series("temperature_celsius", "0", h200, 46),
      series("power_watts", "0", h200, 120.5),
    ]);
  });

  it("carries both GPUs with the idle zero", async () => {
    const rtx = "NVIDIA GeForce RTX 4090";

    expect(await scrapeGpuSeries("nvidia-smi-two-gpus-idle.csv")).toEqual([
      series("utilization_ratio", "0", rtx, 0),
      series("utilization_ratio", "1", rtx, 0.97),
      series("memory_used_bytes", "0", rtx, 1 * MIB),
      series("memory_used_bytes", "1", rtx, 18012 * MIB),
      series("memory_total_bytes", "0", rtx, 24564 * MIB),
      series("memory_total_bytes", "1", rtx, 24564 * MIB),
      series("temperature_celsius", "0", rtx, 34),
      series("temperature_celsius", "1", rtx, 71),
      series("power_watts", "0", rtx, 11.42),
      series("power_watts", "1", rtx, 402.17),
    ]);
  });

  it("omits the series nvidia-smi reports as not available", async () => {
    const gb10 = "NVIDIA GB10";

    expect(await scrapeGpuSeries("nvidia-smi-not-available.csv")).toEqual([
      series("utilization_ratio", "0", gb10, 0),
      series("temperature_celsius", "0", gb10, 41),
    ]);
  });
});
