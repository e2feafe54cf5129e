import { Gauge } from "prom-client";

import type { GpuSample } from "../record.js";
import { sanitizeLabelValue } from "./labels.js";
import type { Registry } from "prom-client";

type GpuValueField =
  | "utilizationRatio"
  | "memoryUsedBytes"
  | "memoryTotalBytes"
  | "temperatureCelsius"
  | "powerWatts";

const GPU_GAUGES: readonly {
  name: string;
  help: string;
  field: GpuValueField;
}[] = [
  {
    name: "tokentap_gpu_utilization_ratio",
    help: "GPU core utilisation as a ratio from 0 to 1.",
    field: "utilizationRatio",
  },
  {
    name: "tokentap_gpu_memory_used_bytes",
    help: "GPU memory in use, in bytes.",
    field: "memoryUsedBytes",
  },
  {
    name: "tokentap_gpu_memory_total_bytes",
    help: "GPU memory installed, in bytes.",
    field: "memoryTotalBytes",
  },
  {
    name: "tokentap_gpu_temperature_celsius",
    help: "GPU temperature, in degrees Celsius.",
    field: "temperatureCelsius",
  },
  {
    name: "tokentap_gpu_power_watts",
    help: "GPU power draw, in watts.",
    field: "powerWatts",
  },
];

/**
 * Registers the GPU gauges into `registry`. Each scrape calls `readSamples`
 * and writes one series per GPU, labelled `gpu` (index) and `name`. A value
 * that is null or not finite omits that GPU's series for that gauge, because
 * a 0 would read as a real measurement.
 */
export function registerGpuGauges(
  registry: Registry,
  readSamples: () => readonly GpuSample[],
): void {
  for (const { name, help, field } of GPU_GAUGES) {
    new Gauge({
      name,
      help,
      labelNames: ["gpu", "name"],
      registers: [registry],
      collect() {
        this.reset();

        for (const sample of readSamples()) {
          const value = sample[field];
          if (value === null || !Number.isFinite(value)) continue;

          this.set(
            {
              gpu: String(sample.index),
              name: sanitizeLabelValue(sample.name),
            },
            value,
          );
        }
      },
    });
  }
}
