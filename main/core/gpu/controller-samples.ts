import type { GpuSample } from "../record.js";
import { mebibytesToBytes } from "./nvidia-smi.js";

/**
 * Converts systeminformation 5.33 `graphics().controllers` entries into
 * samples, keeping only controllers with at least one live reading
 * (utilisation, memory used, temperature or power). The entries arrive as
 * JSON from the probe process, so every field is checked here.
 *
 * systeminformation fills utilisation, memory and power only for NVIDIA
 * cards it matched to an `nvidia-smi` row. It adds GPU temperature for
 * Apple built-in GPUs when the optional `macos-temperature-sensor` package
 * is installed. For AMD and Intel it reports only vendor, model and `vram`.
 * On Linux `vram` is the largest PCI memory region from `lspci`, not the
 * memory on the card, so it is ignored there.
 *
 * NOTE: systeminformation omits NVIDIA readings that are 0 (an idle GPU's
 * utilisation), so on this path a 0 becomes null. NVIDIA cards are read
 * with nvidia-smi directly first; this path serves only when that fails.
 */
export function samplesFromControllers(
  controllers: readonly unknown[],
  platform: NodeJS.Platform,
  sampledAt: string,
): GpuSample[] {
  const samples: GpuSample[] = [];

  controllers.forEach((controller, position) => {
    if (typeof controller !== "object" || controller === null) return;

    const sample = sampleFromController(
      controller as Record<string, unknown>,
      position,
      platform,
      sampledAt,
    );
    if (hasLiveReading(sample)) samples.push(sample);
  });

  return samples;
}

function sampleFromController(
  controller: Record<string, unknown>,
  index: number,
  platform: NodeJS.Platform,
  sampledAt: string,
): GpuSample {
  const utilizationPercent = readNumber(controller.utilizationGpu);
  const vendor = readText(controller.vendor);

  return {
    index,
    name:
      readText(controller.name) ??
      readText(controller.model) ??
      `${vendor ?? "GPU"} ${index}`,
    vendor,
    busId: readText(controller.pciBus) ?? readText(controller.busAddress),
    utilizationRatio:
      utilizationPercent === null ? null : utilizationPercent / 100,
    memoryUsedBytes: mebibytesToBytes(readNumber(controller.memoryUsed)),
    memoryTotalBytes: mebibytesToBytes(
      readNumber(controller.memoryTotal) ?? readVram(controller, platform),
    ),
    temperatureCelsius: readNumber(controller.temperatureGpu),
    powerWatts: readNumber(controller.powerDraw),
    sampledAt,
  };
}

/** Returns `vram` in MiB where it is the memory the driver reports, not shared system memory or a Linux PCI region. */
function readVram(
  controller: Record<string, unknown>,
  platform: NodeJS.Platform,
): number | null {
  if (platform === "linux" || controller.vramDynamic === true) return null;

  const vram = readNumber(controller.vram);
  return vram !== null && vram > 0 ? vram : null;
}

function hasLiveReading(sample: GpuSample): boolean {
  return (
    sample.utilizationRatio !== null ||
    sample.memoryUsedBytes !== null ||
    sample.temperatureCelsius !== null ||
    sample.powerWatts !== null
  );
}

function readNumber(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function readText(value: unknown): string | null {
  if (typeof value !== "string") return null;

  const text = value.trim();
  return text === "" ? null : text;
}
