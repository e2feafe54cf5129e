import { mkdir, mkdtemp, readFile, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { GpuSampleError } from "../../../main/core/gpu/gpu-sample-error.js";
import { createLogger, type Logger } from "../../../main/core/log.js";

/** Folder of captured GPU tool outputs and the fake tools that print them. */
export const GPU_DATA_DIR = fileURLToPath(
  new URL("../../data/gpu/", import.meta.url),
);
const FAKE_BIN_DIR = join(GPU_DATA_DIR, "bin");

/** Returns the path of a captured output in `test/data/gpu`. */
export function gpuFixture(name: string): string {
  return join(GPU_DATA_DIR, name);
}

/** How the fake `lspci` and `nvidia-smi` behave. */
export interface FakeToolsOptions {
  /** File `lspci -vvv` prints; it prints nothing when omitted. */
  lspciOutput?: string;
  /**
   * File nvidia-smi prints. Default `scratchCsv`, which does not exist until
   * a test writes it, so nvidia-smi fails as on a host without a driver.
   */
  nvidiaSmiCsv?: string;
  /** False leaves nvidia-smi off PATH, as on a host without the NVIDIA tools. Default true. */
  withNvidiaSmi?: boolean;
  delaySeconds?: number;
  firstCall?: "hang" | "crash";
}

/** One nvidia-smi run recorded by the fake. */
export interface FakeCall {
  pid: number;
  /** The process that ran nvidia-smi: the probe process. */
  parentPid: number;
}

/** A private folder with the fake tools, and the environment that puts only them on PATH. */
export interface FakeTools {
  env: NodeJS.ProcessEnv;
  /** Scratch folder of this instance, removed by `remove`. */
  dir: string;
  /** Path in `dir` that nvidia-smi prints when `nvidiaSmiCsv` is omitted. */
  scratchCsv: string;
  /** Reads the nvidia-smi runs recorded so far. */
  readCalls(): Promise<{ starts: FakeCall[]; ends: number; overlaps: number }>;
  remove(): Promise<void>;
}

/**
 * Creates the fake tool environment. PATH contains only fake tools, so a
 * real nvidia-smi on the test host cannot change the result. The other
 * tools systeminformation tries (dmidecode, clinfo, xdpyinfo, xrandr) are
 * then not found.
 */
export async function createFakeTools(
  options: FakeToolsOptions = {},
): Promise<FakeTools> {
  const dir = await mkdtemp(join(tmpdir(), "tokentap-gpu-"));
  const callsFile = join(dir, "nvidia-smi-calls.log");
  const scratchCsv = join(dir, "nvidia-smi.csv");

  let binDir = FAKE_BIN_DIR;
  if (options.withNvidiaSmi === false) {
    binDir = join(dir, "bin");
    await mkdirAndLink(binDir, "lspci");
  }

  const env: NodeJS.ProcessEnv = {
    PATH: binDir,
    FAKE_NVIDIA_SMI_CALLS: callsFile,
    FAKE_NVIDIA_SMI_CSV: options.nvidiaSmiCsv ?? scratchCsv,
  };
  if (options.lspciOutput !== undefined)
    env.FAKE_LSPCI_OUTPUT = options.lspciOutput;
  if (options.delaySeconds !== undefined)
    env.FAKE_NVIDIA_SMI_DELAY_S = String(options.delaySeconds);
  if (options.firstCall !== undefined)
    env.FAKE_NVIDIA_SMI_FIRST_CALL = options.firstCall;

  return {
    env,
    dir,
    scratchCsv,
    readCalls: () => readCalls(callsFile),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

async function mkdirAndLink(binDir: string, tool: string): Promise<void> {
  await mkdir(binDir);
  await symlink(join(FAKE_BIN_DIR, tool), join(binDir, tool));
}

async function readCalls(
  callsFile: string,
): Promise<{ starts: FakeCall[]; ends: number; overlaps: number }> {
  const text = await readFile(callsFile, "utf8").catch(() => "");
  const lines = text.split("\n").map((line) => line.split(" "));

  return {
    starts: lines
      .filter((fields) => fields[0] === "start")
      .map((fields) => ({
        pid: Number(fields[1]),
        parentPid: Number(fields[2]),
      })),
    ends: lines.filter((fields) => fields[0] === "end").length,
    overlaps: lines.filter((fields) => fields[0] === "overlap").length,
  };
}

/** Creates a logger that keeps its formatted lines, debug included. */
export function createMemoryLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return {
    logger: createLogger((_level, line) => lines.push(line), "debug", "gpu"),
    lines,
  };
}

/** Returns whether `pid` names a live process. On Linux a zombie counts as gone. */
export async function isProcessRunning(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }

  if (process.platform !== "linux") return true;
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  // The state follows the parenthesised command name, e.g. "123 (sleep) Z ...".
  const state = stat.slice(
    stat.lastIndexOf(")") + 2,
    stat.lastIndexOf(")") + 3,
  );
  return stat !== "" && state !== "Z";
}

/** Polls `condition` every 50 ms until it holds, failing after `timeoutMs`. */
export async function waitFor(
  condition: () => Promise<boolean> | boolean,
  description: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Returns the GpuSampleError that `promise` rejects with, and throws when it resolves or rejects with anything else. */
export async function rejection(
  promise: Promise<unknown>,
): Promise<GpuSampleError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof GpuSampleError))
    throw new Error(`expected a GpuSampleError, got ${String(error)}`);
  return error;
}
