import { describe, expect, it } from "vitest";

import { samplesFromControllers } from "../../../main/core/gpu/controller-samples.js";
import { H200_READING, MIB } from "./h200-reading.js";

const SAMPLED_AT = "2025-01-01T00:00:00.000Z";

// Shaped as systeminformation 5.33 returns them; the NVIDIA entry is its
// output for the lspci and nvidia-smi H200 captures.
const NVIDIA_H200 = {
  vendor: "NVIDIA Corporation",
  subVendor: "",
  model: "GH100 [H200 SXM 141GB]",
  bus: "Onboard",
  busAddress: "19:00.0",
  vram: 143771,
  vramDynamic: false,
  driverVersion: "580.95.05",
  name: "NVIDIA H200",
  pciBus: "00000000:19:00.0",
  memoryTotal: 143771,
  memoryUsed: 81234,
  memoryFree: 61832,
  utilizationGpu: 37,
  temperatureGpu: 46,
  powerDraw: 120.5,
};
const AMD_FROM_LSPCI = {
  vendor: "Advanced Micro Devices, Inc. [AMD/ATI]",
  model: "Navi 31 [Radeon RX 7900 XT/7900 XTX]",
  bus: "Onboard",
  busAddress: "03:00.0",
  vram: 256,
  vramDynamic: false,
};
const ASPEED_BMC = {
  vendor: "ASPEED Technology, Inc.",
  model: "ASPEED Graphics Family",
  bus: "Onboard",
  busAddress: "02:00.0",
  vram: 64,
  vramDynamic: false,
};
const APPLE_M2 = {
  vendor: "Apple",
  model: "Apple M2 Max",
  bus: "Built-In",
  vram: null,
  vramDynamic: true,
  cores: "38",
  temperatureGpu: 44.5,
};

describe("samplesFromControllers", () => {
  it("maps systeminformation's NVIDIA fields", () => {
    expect(samplesFromControllers([NVIDIA_H200], "linux", SAMPLED_AT)).toEqual([
      {
        ...H200_READING,
        vendor: "NVIDIA Corporation",
        sampledAt: SAMPLED_AT,
      },
    ]);
  });

  it("leaves out controllers with no live reading", () => {
    const controllers = [AMD_FROM_LSPCI, ASPEED_BMC];

    expect(samplesFromControllers(controllers, "linux", SAMPLED_AT)).toEqual(
      [],
    );
  });

  it("keeps an Apple GPU with a temperature", () => {
    const [apple] = samplesFromControllers([APPLE_M2], "darwin", SAMPLED_AT);

    expect(apple?.name).toBe("Apple M2 Max");
    expect(apple?.vendor).toBe("Apple");
    expect(apple?.temperatureCelsius).toBe(44.5);
    expect(apple?.memoryTotalBytes).toBeNull();
    expect(apple?.utilizationRatio).toBeNull();
  });

  it("uses vram as memory total outside Linux", () => {
    const discrete = { ...AMD_FROM_LSPCI, vram: 8192, temperatureGpu: 50 };

    const [macos] = samplesFromControllers([discrete], "darwin", SAMPLED_AT);
    const [linux] = samplesFromControllers([discrete], "linux", SAMPLED_AT);

    expect(macos?.memoryTotalBytes).toBe(8192 * MIB);
    expect(linux?.memoryTotalBytes).toBeNull();
  });

  it("numbers samples by controller position", () => {
    const samples = samplesFromControllers(
      [ASPEED_BMC, NVIDIA_H200],
      "linux",
      SAMPLED_AT,
    );

    expect(samples).toHaveLength(1);
    expect(samples[0]?.index).toBe(1);
  });

  it("ignores entries that are not objects or have wrong types", () => {
    const wrongTypes = { ...NVIDIA_H200, utilizationGpu: "37", powerDraw: NaN };

    const samples = samplesFromControllers(
      [null, "gpu", wrongTypes],
      "linux",
      SAMPLED_AT,
    );

    expect(samples).toHaveLength(1);
    expect(samples[0]?.utilizationRatio).toBeNull();
    expect(samples[0]?.powerWatts).toBeNull();
  });
});
