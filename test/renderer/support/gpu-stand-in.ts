import type { GpuSamplerFactory } from "../../../main/core/tokentap.js";
import type { GpuSample } from "../../../main/core/record.js";

/** Utilisation ratios of the three rounds the stand-in reports. */
export const STAND_IN_UTILIZATION = [0.45, 0.5, 0.55];

/** Memory in use in the three rounds, in GiB. */
export const STAND_IN_MEMORY_GIB = [40, 42, 44];

/**
 * A GPU sampler for machines without a GPU driver: on start it reports three
 * rounds of one GPU, two seconds apart, and nothing after.
 */
export const gpuStandIn: GpuSamplerFactory = (_intervalMs, onSamples) => ({
  start() {
    const now = Date.now();
    STAND_IN_UTILIZATION.forEach((ratio, round) => {
      onSamples([
        sample(
          ratio,
          STAND_IN_MEMORY_GIB[round] ?? 0,
          now - (2 - round) * 2000,
        ),
      ]);
    });
  },
  stop: async () => {},
});

function sample(
  utilizationRatio: number,
  memoryGib: number,
  at: number,
): GpuSample {
  return {
    index: 0,
    name: "NVIDIA H200",
    vendor: "NVIDIA",
    busId: "00000000:19:00.0",
    utilizationRatio,
    memoryUsedBytes: memoryGib * 2 ** 30,
    memoryTotalBytes: 141 * 2 ** 30,
    temperatureCelsius: 41,
    powerWatts: 180,
    sampledAt: new Date(at).toISOString(),
  };
}
