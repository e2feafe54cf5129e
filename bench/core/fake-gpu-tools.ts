import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Seconds the fake nvidia-smi sleeps per run, like a driver slow to respond. */
export const FAKE_NVIDIA_SMI_DELAY_S = 2;

// Compiled to dist/bench/core/, three levels below the repository root.
const GPU_DATA_DIR = fileURLToPath(
  new URL("../../../test/data/gpu/", import.meta.url),
);

/**
 * Returns the environment that makes the GPU tools the fake `lspci` and
 * `nvidia-smi` of test/data/gpu/bin: PATH contains only that folder, so a
 * real nvidia-smi on the machine cannot change the result. nvidia-smi
 * reports two GeForce RTX 4090 after sleeping `FAKE_NVIDIA_SMI_DELAY_S`.
 */
export function fakeGpuEnv(): Record<string, string> {
  const bin = `${GPU_DATA_DIR}bin`;
  if (!existsSync(`${bin}/nvidia-smi`))
    throw new Error(
      `the fake nvidia-smi is missing from ${bin}; run the benchmark from a full checkout of the repository`,
    );

  return {
    PATH: bin,
    FAKE_LSPCI_OUTPUT: `${GPU_DATA_DIR}lspci-nvidia.txt`,
    FAKE_NVIDIA_SMI_CSV: `${GPU_DATA_DIR}nvidia-smi-two-gpus-idle.csv`,
    FAKE_NVIDIA_SMI_DELAY_S: String(FAKE_NVIDIA_SMI_DELAY_S),
  };
}
