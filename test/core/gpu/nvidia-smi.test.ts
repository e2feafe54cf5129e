import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

import { describe, expect, it } from "vitest";

import { GpuSampleError } from "../../../main/core/gpu/gpu-sample-error.js";
import {
  NVIDIA_SMI_ARGS,
  type NvidiaSmiRun,
  parseNvidiaSmiCsv,
  samplesFromNvidiaSmiRun,
} from "../../../main/core/gpu/nvidia-smi.js";
import { gpuFixture } from "./fake-tools.js";
import { H200_READING, MIB } from "./h200-reading.js";

const SAMPLED_AT = "2025-01-01T00:00:00.000Z";

function parseFixture(name: string) {
  return parseNvidiaSmiCsv(readFileSync(gpuFixture(name), "utf8"), SAMPLED_AT);
}

function catchError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

function run(overrides: Partial<NvidiaSmiRun> = {}): NvidiaSmiRun {
  return {
    stdout: "",
    stderr: "",
    exitCode: 0,
    errorCode: null,
    signal: null,
    ...overrides,
  };
}

describe("parseNvidiaSmiCsv", () => {
  it("reads the H200 row", () => {
    expect(parseFixture("nvidia-smi-h200.csv")).toEqual([
      { ...H200_READING, vendor: "NVIDIA", sampledAt: SAMPLED_AT },
    ]);
  });

  it("keeps an idle GPU's zero utilisation", () => {
    const [idle] = parseFixture("nvidia-smi-two-gpus-idle.csv");

    expect(idle?.utilizationRatio).toBe(0);
    expect(idle?.memoryUsedBytes).toBe(1 * MIB);
    expect(idle?.powerWatts).toBe(11.42);
  });

  it("numbers rows in output order", () => {
    const samples = parseFixture("nvidia-smi-two-gpus-idle.csv");

    expect(samples.map((sample) => sample.index)).toEqual([0, 1]);
    expect(samples[1]?.busId).toBe("00000000:41:00.0");
    expect(samples[1]?.utilizationRatio).toBe(0.97);
    expect(samples[1]?.memoryUsedBytes).toBe(18012 * MIB);
    expect(samples[1]?.powerWatts).toBe(402.17);
  });

  it("turns [N/A] and [Not Supported] into null", () => {
    const [gb10] = parseFixture("nvidia-smi-not-available.csv");

    expect(gb10?.name).toBe("NVIDIA GB10");
    expect(gb10?.memoryUsedBytes).toBeNull();
    expect(gb10?.memoryTotalBytes).toBeNull();
    expect(gb10?.powerWatts).toBeNull();
    expect(gb10?.utilizationRatio).toBe(0);
    expect(gb10?.temperatureCelsius).toBe(41);
  });

  it("turns a bare N/A of older drivers into null", () => {
    const line =
      "470.1, 0x0, Tesla K80, 00000000:04:00.0, N/A, 11441, 0, 11441, 0, 0, 30, N/A, N/A, 149.00, 324, 324";

    const [sample] = parseNvidiaSmiCsv(line, SAMPLED_AT);

    expect(sample?.powerWatts).toBeNull();
    expect(sample?.memoryUsedBytes).toBe(0);
  });

  it("skips rows without 16 fields", () => {
    const stdout =
      "WARNING: infoROM is corrupted at gpu 0000:19:00.0\r\n" +
      readFileSync(gpuFixture("nvidia-smi-h200.csv"), "utf8");

    const samples = parseNvidiaSmiCsv(stdout, SAMPLED_AT);

    expect(samples).toHaveLength(1);
    expect(samples[0]?.name).toBe("NVIDIA H200");
  });
});

describe("samplesFromNvidiaSmiRun", () => {
  it("raises NVIDIA_SMI_FAILED with the output on a non-zero exit", () => {
    const failed = run({
      stdout:
        "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n",
      exitCode: 9,
    });

    const error = catchError(() => samplesFromNvidiaSmiRun(failed, SAMPLED_AT));

    expect(error).toBeInstanceOf(GpuSampleError);
    expect((error as GpuSampleError).code).toBe("NVIDIA_SMI_FAILED");
    expect((error as GpuSampleError).message).toMatch(
      /\(exit status 9\): NVIDIA-SMI has failed/,
    );
  });

  it("raises NVIDIA_SMI_FAILED when no row has 16 fields", () => {
    const garbled = run({ stdout: "No devices were found\n" });

    expect(() => samplesFromNvidiaSmiRun(garbled, SAMPLED_AT)).toThrow(
      /no rows with 16 fields; first line: No devices were found/,
    );
  });

  it("returns no samples for empty output", () => {
    expect(samplesFromNvidiaSmiRun(run(), SAMPLED_AT)).toEqual([]);
  });
});

describe("NVIDIA_SMI_ARGS", () => {
  it("matches the query systeminformation sends", () => {
    const require = createRequire(import.meta.url);
    const libDir = dirname(require.resolve("systeminformation"));
    const source = readFileSync(join(libDir, "graphics.js"), "utf8");

    expect(source).toContain(`'${NVIDIA_SMI_ARGS.join(" ")}'`);
  });
});
