import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

import {
  createLogger,
  type Logger,
  type LogLevel,
} from "../../../main/core/log.js";

const run = promisify(execFile);

/** A logger that keeps every line, debug included, for tests that check what was logged. */
export interface CapturedLog {
  logger: Logger;
  lines: { level: LogLevel; line: string }[];
  /** Returns the lines at `level` joined by newlines. */
  at(level: LogLevel): string;
}

export function captureLog(): CapturedLog {
  const lines: { level: LogLevel; line: string }[] = [];
  const logger = createLogger(
    (level, line) => lines.push({ level, line }),
    "debug",
    "history",
  );

  return {
    logger,
    lines,
    at: (level) =>
      lines
        .filter((entry) => entry.level === level)
        .map((entry) => entry.line)
        .join("\n"),
  };
}

/** Creates an empty folder under the system temporary folder. */
export function makeTempFolder(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), "tokentap-history-"));
}

export async function removeFolder(folder: string): Promise<void> {
  await rm(folder, { recursive: true, force: true });
}

/** Returns the file's non-empty lines. */
export async function readLinesOf(filePath: string): Promise<string[]> {
  const text = await readFile(filePath, "utf8");
  return text.split("\n").filter((line) => line !== "");
}

/** Mounts a tmpfs of `size` (for example `16k`) on `folder`. Needs root. */
export async function mountTmpfs(folder: string, size: string): Promise<void> {
  await runMount(["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", folder]);
}

export async function remountReadOnly(folder: string): Promise<void> {
  await runMount(["-o", "remount,ro", folder]);
}

export async function unmount(folder: string): Promise<void> {
  await run("umount", [folder]);
}

async function runMount(args: string[]): Promise<void> {
  try {
    await run("mount", args);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    throw new Error(
      `mount ${args.join(" ")} failed: ${stderr.trim()}. This test needs root to mount tmpfs.`,
    );
  }
}
