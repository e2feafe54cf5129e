import { createRequire } from "node:module";

import type { GpuSample } from "../record.js";
import { samplesFromControllers } from "./controller-samples.js";
import { GpuSampleError } from "./gpu-sample-error.js";
import {
  isNvidiaSmiMissing,
  NVIDIA_SMI_ARGS,
  type NvidiaSmiRun,
  samplesFromNvidiaSmiRun,
} from "./nvidia-smi.js";
import type { ProbeProcess } from "./probe-process.js";

// The probe loads systeminformation by absolute path, because `node -e`
// resolves bare module names from its working directory.
const SYSTEMINFORMATION_PATH = createRequire(import.meta.url).resolve(
  "systeminformation",
);

/**
 * Reads all GPUs once through `probe`, with `timeoutMs` for the whole read.
 * NVIDIA GPUs come from nvidia-smi directly, which keeps a real 0 that
 * systeminformation drops. Only when nvidia-smi is missing, fails or lists
 * no GPU does systeminformation's `graphics()` run, for other vendors.
 * A failed nvidia-smi run goes to `onNvidiaSmiError` and the read goes on.
 *
 * NOTE: on a host with an NVIDIA GPU, other vendors' GPUs are not read, to
 * avoid a second nvidia-smi run inside systeminformation on every sample.
 */
export async function readGpuSamples(
  probe: ProbeProcess,
  timeoutMs: number,
  onNvidiaSmiError: (error: GpuSampleError) => void,
): Promise<GpuSample[]> {
  const deadline = performance.now() + timeoutMs;

  const run = toNvidiaSmiRun(
    await probe.request(
      { kind: "nvidia-smi", args: NVIDIA_SMI_ARGS },
      remainingMs(deadline),
    ),
  );
  if (!isNvidiaSmiMissing(run)) {
    const samples = nvidiaSamplesOrNone(run, onNvidiaSmiError);
    if (samples.length > 0) return samples;
  }

  const reply = await probe.request(
    { kind: "graphics", modulePath: SYSTEMINFORMATION_PATH },
    remainingMs(deadline),
  );
  return samplesFromControllers(
    toControllers(reply),
    process.platform,
    new Date().toISOString(),
  );
}

function nvidiaSamplesOrNone(
  run: NvidiaSmiRun,
  onNvidiaSmiError: (error: GpuSampleError) => void,
): GpuSample[] {
  try {
    return samplesFromNvidiaSmiRun(run, new Date().toISOString());
  } catch (error) {
    if (!(error instanceof GpuSampleError)) throw error;

    onNvidiaSmiError(error);
    return [];
  }
}

function remainingMs(deadline: number): number {
  return Math.max(1, Math.ceil(deadline - performance.now()));
}

function toNvidiaSmiRun(reply: unknown): NvidiaSmiRun {
  const run = reply as Partial<Record<keyof NvidiaSmiRun, unknown>> | null;
  if (
    typeof run !== "object" ||
    run === null ||
    typeof run.stdout !== "string" ||
    typeof run.stderr !== "string"
  ) {
    throw malformedReply("nvidia-smi");
  }

  return {
    stdout: run.stdout,
    stderr: run.stderr,
    exitCode: typeof run.exitCode === "number" ? run.exitCode : null,
    errorCode: typeof run.errorCode === "string" ? run.errorCode : null,
    signal: typeof run.signal === "string" ? run.signal : null,
  };
}

function toControllers(reply: unknown): unknown[] {
  const controllers = (reply as { controllers?: unknown } | null)?.controllers;
  if (!Array.isArray(controllers)) throw malformedReply("graphics");

  return controllers;
}

function malformedReply(kind: string): GpuSampleError {
  return new GpuSampleError(
    "PROBE_FAILED",
    `GPU probe process sent a malformed reply to "${kind}"`,
  );
}
