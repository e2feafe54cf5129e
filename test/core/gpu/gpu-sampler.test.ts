import { copyFile } from "node:fs/promises";

import { afterEach, describe, expect, it } from "vitest";

import { TokentapError } from "../../../main/core/errors.js";
import {
  GpuSampler,
  type GpuSamplerOptions,
} from "../../../main/core/gpu/gpu-sampler.js";
import type { GpuSample } from "../../../main/core/record.js";
import {
  createFakeTools,
  createMemoryLogger,
  type FakeTools,
  type FakeToolsOptions,
  gpuFixture,
  isProcessRunning,
  waitFor,
  rejection,
} from "./fake-tools.js";
import { H200_READING, MIB } from "./h200-reading.js";

interface Harness {
  sampler: GpuSampler;
  tools: FakeTools;
  delivered: GpuSample[][];
  lines: string[];
}

const harnesses: Harness[] = [];

async function createHarness(
  toolOptions: FakeToolsOptions,
  samplerOptions: Partial<GpuSamplerOptions> = {},
): Promise<Harness> {
  const tools = await createFakeTools(toolOptions);
  const { logger, lines } = createMemoryLogger();
  const delivered: GpuSample[][] = [];
  const sampler = new GpuSampler({
    logger,
    env: tools.env,
    onSamples: (samples) => delivered.push(samples),
    ...samplerOptions,
  });

  const harness = { sampler, tools, delivered, lines };
  harnesses.push(harness);
  return harness;
}

function linesMatching(lines: string[], pattern: RegExp): string[] {
  return lines.filter((line) => pattern.test(line));
}

afterEach(async () => {
  for (const { sampler, tools } of harnesses.splice(0)) {
    await sampler.stop();
    await tools.remove();
  }
});

describe("GpuSampler options", () => {
  const base = { logger: createMemoryLogger().logger, onSamples: () => {} };

  it("rejects an interval below 250 ms", () => {
    expect(() => new GpuSampler({ ...base, intervalMs: 100 })).toThrow(
      TokentapError,
    );
    expect(() => new GpuSampler({ ...base, intervalMs: 100 })).toThrow(
      /intervalMs .* at least 250; got 100/,
    );
  });

  it("rejects an interval that is not an integer", () => {
    expect(() => new GpuSampler({ ...base, intervalMs: 2000.5 })).toThrow(
      /got 2000.5/,
    );
  });

  it("rejects a sample timeout below 100 ms", () => {
    expect(() => new GpuSampler({ ...base, sampleTimeoutMs: 50 })).toThrow(
      /sampleTimeoutMs .* at least 100; got 50/,
    );
  });

  it("defaults to a 2 s interval", () => {
    expect(new GpuSampler(base).intervalMs).toBe(2000);
  });
});

describe("GpuSampler", () => {
  it("samples the H200", async () => {
    const { sampler, delivered } = await createHarness({
      nvidiaSmiCsv: gpuFixture("nvidia-smi-h200.csv"),
    });

    const samples = await sampler.sampleOnce();

    expect(samples).toHaveLength(1);
    expect(samples[0]).toMatchObject({ ...H200_READING, vendor: "NVIDIA" });
    expect(Number.isNaN(Date.parse(samples[0]!.sampledAt))).toBe(false);
    expect(delivered).toEqual([samples]);
  });

  it("keeps the idle GPU's zero", async () => {
    const { sampler } = await createHarness({
      nvidiaSmiCsv: gpuFixture("nvidia-smi-two-gpus-idle.csv"),
    });

    const [idle, busy] = await sampler.sampleOnce();

    expect(idle?.utilizationRatio).toBe(0);
    expect(idle?.memoryUsedBytes).toBe(1 * MIB);
    expect(idle?.powerWatts).toBe(11.42);
    expect(busy?.utilizationRatio).toBe(0.97);
    expect(busy?.memoryUsedBytes).toBe(18012 * MIB);
    expect(busy?.powerWatts).toBe(402.17);
  });

  it("reports values nvidia-smi lacks as null", async () => {
    const { sampler } = await createHarness({
      nvidiaSmiCsv: gpuFixture("nvidia-smi-not-available.csv"),
    });

    const [gb10] = await sampler.sampleOnce();

    expect(gb10?.name).toBe("NVIDIA GB10");
    expect(gb10?.memoryUsedBytes).toBeNull();
    expect(gb10?.memoryTotalBytes).toBeNull();
    expect(gb10?.powerWatts).toBeNull();
    expect(gb10?.utilizationRatio).toBe(0);
    expect(gb10?.temperatureCelsius).toBe(41);
  });

  it("returns no samples and backs off without a GPU", async () => {
    const { sampler, delivered, lines } = await createHarness({
      withNvidiaSmi: false,
    });

    const first = await sampler.sampleOnce();
    const afterFirst = sampler.currentIntervalMs;
    await sampler.sampleOnce();

    expect(first).toEqual([]);
    expect(delivered).toEqual([[], []]);
    expect(afterFirst).toBe(4000);
    expect(sampler.currentIntervalMs).toBe(8000);
    expect(linesMatching(lines, /no GPU found/)).toHaveLength(1);
    expect(
      linesMatching(
        lines,
        /no GPU found; sampling every 4 s, doubling up to 60 s/,
      ),
    ).toHaveLength(1);
  });

  it("logs a failing nvidia-smi once and finds no GPU", async () => {
    const { sampler, lines } = await createHarness({});

    const first = await sampler.sampleOnce();
    await sampler.sampleOnce();

    expect(first).toEqual([]);
    expect(linesMatching(lines, /WARN .*code=NVIDIA_SMI_FAILED/)).toHaveLength(
      1,
    );
    expect(linesMatching(lines, /exit status 9/)).toHaveLength(1);
  });

  it("returns to the interval when a GPU appears", async () => {
    const { sampler, tools, lines } = await createHarness({});
    await sampler.sampleOnce();
    const backedOffMs = sampler.currentIntervalMs;

    await copyFile(gpuFixture("nvidia-smi-h200.csv"), tools.scratchCsv);
    const samples = await sampler.sampleOnce();

    expect(backedOffMs).toBe(4000);
    expect(samples).toHaveLength(1);
    expect(sampler.currentIntervalMs).toBe(2000);
    expect(linesMatching(lines, /GPU found; sampling every 2 s/)).toHaveLength(
      1,
    );
  });

  it("shares one sample between concurrent calls", async () => {
    const { sampler, tools } = await createHarness({
      nvidiaSmiCsv: gpuFixture("nvidia-smi-h200.csv"),
    });

    const [first, second] = await Promise.all([
      sampler.sampleOnce(),
      sampler.sampleOnce(),
    ]);

    expect(first).toBe(second);
    expect((await tools.readCalls()).starts).toHaveLength(1);
  });

  it("never runs two samples at once", async () => {
    const { sampler, tools, lines } = await createHarness(
      { nvidiaSmiCsv: gpuFixture("nvidia-smi-h200.csv"), delaySeconds: 2 },
      { intervalMs: 250 },
    );

    sampler.start();
    await waitFor(
      async () => (await tools.readCalls()).ends >= 2,
      "two nvidia-smi runs to end",
    );
    await sampler.stop();
    const calls = await tools.readCalls();

    expect(calls.overlaps).toBe(0);
    expect(calls.starts.length).toBeGreaterThanOrEqual(2);
    expect(linesMatching(lines, /skipped a GPU sample/).length).toBeGreaterThan(
      0,
    );
  });

  it("replaces a hung probe after the timeout", async () => {
    const { sampler, tools, lines, delivered } = await createHarness(
      { nvidiaSmiCsv: gpuFixture("nvidia-smi-h200.csv"), firstCall: "hang" },
      { sampleTimeoutMs: 1000 },
    );

    const error = await rejection(sampler.sampleOnce());
    const samples = await sampler.sampleOnce();
    const [hung, replacement] = (await tools.readCalls()).starts;

    expect(error.code).toBe("SAMPLE_TIMEOUT");
    expect(linesMatching(lines, /WARN .*code=SAMPLE_TIMEOUT/)).toHaveLength(1);
    expect(delivered[0]).toEqual([]);
    expect(samples).toHaveLength(1);
    expect(replacement?.parentPid).not.toBe(hung?.parentPid);
    expect(await isProcessRunning(hung!.parentPid)).toBe(false);
    expect(await isProcessRunning(hung!.pid)).toBe(false);
  });

  it("replaces a probe that crashed", async () => {
    const { sampler, lines } = await createHarness({
      nvidiaSmiCsv: gpuFixture("nvidia-smi-h200.csv"),
      firstCall: "crash",
    });

    const error = await rejection(sampler.sampleOnce());
    const samples = await sampler.sampleOnce();

    expect(error.code).toBe("PROBE_EXITED");
    expect(linesMatching(lines, /WARN .*code=PROBE_EXITED/)).toHaveLength(1);
    expect(samples).toHaveLength(1);
  });

  it("replaces a probe that exited between samples", async () => {
    const { sampler, tools, lines } = await createHarness({
      nvidiaSmiCsv: gpuFixture("nvidia-smi-h200.csv"),
    });
    await sampler.sampleOnce();
    const [first] = (await tools.readCalls()).starts;

    process.kill(first!.parentPid, "SIGKILL");
    // The sampler's child is reaped, and its exit event handled, once the pid is unknown.
    await waitFor(() => !pidExists(first!.parentPid), "the probe to exit");
    const samples = await sampler.sampleOnce();
    const [, second] = (await tools.readCalls()).starts;

    expect(samples).toHaveLength(1);
    expect(second?.parentPid).not.toBe(first?.parentPid);
    expect(
      linesMatching(lines, /WARN .*exited between samples.*signal SIGKILL/),
    ).toHaveLength(1);
  });

  it("samples on start and logs start and stop", async () => {
    const { sampler, delivered, lines } = await createHarness({
      nvidiaSmiCsv: gpuFixture("nvidia-smi-h200.csv"),
    });

    sampler.start();
    await waitFor(() => delivered.length > 0, "the first sample");
    await sampler.stop();

    expect(delivered[0]).toHaveLength(1);
    expect(
      linesMatching(lines, /INFO \[gpu\] GPU sampler started/),
    ).toHaveLength(1);
    expect(
      linesMatching(lines, /INFO \[gpu\] GPU sampler stopped/),
    ).toHaveLength(1);
  });

  it("kills the probe and its tools on stop", async () => {
    const { sampler, tools, delivered } = await createHarness({
      nvidiaSmiCsv: gpuFixture("nvidia-smi-h200.csv"),
      delaySeconds: 5,
    });
    const pending = rejection(sampler.sampleOnce());
    await waitFor(
      async () => (await tools.readCalls()).starts.length === 1,
      "nvidia-smi to start",
    );

    await sampler.stop();
    const [running] = (await tools.readCalls()).starts;

    expect((await pending).code).toBe("SAMPLER_STOPPED");
    expect(delivered).toEqual([]);
    expect(await isProcessRunning(running!.parentPid)).toBe(false);
    expect(await isProcessRunning(running!.pid)).toBe(false);
  });

  it("logs a throwing callback and keeps sampling", async () => {
    const { sampler, lines } = await createHarness(
      { nvidiaSmiCsv: gpuFixture("nvidia-smi-h200.csv") },
      {
        onSamples: () => {
          throw new Error("store is closed");
        },
      },
    );

    const samples = await sampler.sampleOnce();

    expect(samples).toHaveLength(1);
    expect(
      linesMatching(lines, /code=CALLBACK_FAILED error="store is closed"/),
    ).toHaveLength(1);
  });
});

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
