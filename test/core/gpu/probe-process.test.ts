import { readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";

import { afterEach, describe, expect, it } from "vitest";

import { NVIDIA_SMI_ARGS } from "../../../main/core/gpu/nvidia-smi.js";
import { ProbeProcess } from "../../../main/core/gpu/probe-process.js";
import {
  createFakeTools,
  type FakeTools,
  type FakeToolsOptions,
  gpuFixture,
  isProcessRunning,
  waitFor,
  rejection,
} from "./fake-tools.js";

const SYSTEMINFORMATION_PATH = createRequire(import.meta.url).resolve(
  "systeminformation",
);
const NVIDIA_SMI_REQUEST = {
  kind: "nvidia-smi",
  args: NVIDIA_SMI_ARGS,
} as const;
const GRAPHICS_REQUEST = {
  kind: "graphics",
  modulePath: SYSTEMINFORMATION_PATH,
} as const;

let tools: FakeTools | null = null;
let probe: ProbeProcess | null = null;

async function startProbe(options: FakeToolsOptions): Promise<ProbeProcess> {
  tools = await createFakeTools(options);
  probe = new ProbeProcess(tools.env);
  return probe;
}

afterEach(async () => {
  await probe?.kill();
  await tools?.remove();
  probe = null;
  tools = null;
});

describe("ProbeProcess", () => {
  it("returns nvidia-smi's output and exit status", async () => {
    const csv = gpuFixture("nvidia-smi-h200.csv");
    const started = await startProbe({ nvidiaSmiCsv: csv });

    const result = await started.request(NVIDIA_SMI_REQUEST, 10_000);

    expect(result).toEqual({
      stdout: await readFile(csv, "utf8"),
      stderr: "",
      exitCode: 0,
      errorCode: null,
      signal: null,
    });
  });

  it("reports ENOENT when nvidia-smi is not on PATH", async () => {
    const started = await startProbe({ withNvidiaSmi: false });

    const result = await started.request(NVIDIA_SMI_REQUEST, 10_000);

    expect(result).toMatchObject({ errorCode: "ENOENT", exitCode: null });
  });

  it("returns systeminformation's merged NVIDIA controller", async () => {
    const started = await startProbe({
      lspciOutput: gpuFixture("lspci-nvidia.txt"),
      nvidiaSmiCsv: gpuFixture("nvidia-smi-h200.csv"),
    });

    const result = (await started.request(GRAPHICS_REQUEST, 10_000)) as {
      controllers: Record<string, unknown>[];
    };

    expect(result.controllers).toHaveLength(1);
    expect(result.controllers[0]).toMatchObject({
      vendor: "NVIDIA Corporation",
      name: "NVIDIA H200",
      busAddress: "19:00.0",
      pciBus: "00000000:19:00.0",
      utilizationGpu: 37,
      memoryUsed: 81234,
      memoryTotal: 143771,
      temperatureGpu: 46,
      powerDraw: 120.5,
    });
  });

  it("shows systeminformation dropping a zero utilisation", async () => {
    // The idle row of the two-GPU capture, moved to the bus of the lspci capture.
    const idleRow = (
      await readFile(gpuFixture("nvidia-smi-two-gpus-idle.csv"), "utf8")
    )
      .split("\n")[0]
      ?.replace("00000000:01:00.0", "00000000:19:00.0");
    tools = await createFakeTools({
      lspciOutput: gpuFixture("lspci-nvidia.txt"),
    });
    const csv = join(tools.dir, "idle-on-bus-19.csv");
    await writeFile(csv, `${idleRow}\n`);
    probe = new ProbeProcess({ ...tools.env, FAKE_NVIDIA_SMI_CSV: csv });

    const result = (await probe.request(GRAPHICS_REQUEST, 10_000)) as {
      controllers: Record<string, unknown>[];
    };
    const controller = result.controllers[0] ?? {};

    expect(controller.memoryUsed).toBe(1);
    expect("utilizationGpu" in controller).toBe(false);
  });

  it("rejects with SAMPLE_TIMEOUT and kills a hung tool", async () => {
    const started = await startProbe({
      nvidiaSmiCsv: gpuFixture("nvidia-smi-h200.csv"),
      firstCall: "hang",
    });

    const error = await rejection(started.request(NVIDIA_SMI_REQUEST, 1000));
    await started.kill();
    const [hung] = (await tools!.readCalls()).starts;

    expect(error.code).toBe("SAMPLE_TIMEOUT");
    expect(started.alive).toBe(false);
    expect(hung).toBeDefined();
    expect(await isProcessRunning(hung!.pid)).toBe(false);
  });

  it("rejects with PROBE_EXITED when the probe dies", async () => {
    const started = await startProbe({
      nvidiaSmiCsv: gpuFixture("nvidia-smi-h200.csv"),
      firstCall: "crash",
    });

    const error = await rejection(started.request(NVIDIA_SMI_REQUEST, 10_000));

    expect(error.code).toBe("PROBE_EXITED");
    expect(error.message).toContain("signal SIGKILL");
    expect(started.alive).toBe(false);
  });

  it("rejects pending requests with SAMPLER_STOPPED on kill", async () => {
    const started = await startProbe({
      nvidiaSmiCsv: gpuFixture("nvidia-smi-h200.csv"),
      delaySeconds: 5,
    });
    const pending = rejection(started.request(NVIDIA_SMI_REQUEST, 10_000));
    await waitFor(
      async () => (await tools!.readCalls()).starts.length === 1,
      "nvidia-smi to start",
    );

    await started.kill();
    const [running] = (await tools!.readCalls()).starts;

    expect((await pending).code).toBe("SAMPLER_STOPPED");
    expect(await isProcessRunning(running!.pid)).toBe(false);
  });

  it("rejects requests after kill", async () => {
    const started = await startProbe({});
    await started.kill();

    const error = await rejection(started.request(NVIDIA_SMI_REQUEST, 1000));

    expect(error.code).toBe("SAMPLER_STOPPED");
  });
});
