import { mkdir, open, stat } from "node:fs/promises";
import path from "node:path";

import { describeError } from "../errors.js";
import type { Logger } from "../log.js";
import { FILE_MODE } from "./history-file.js";

/** Mode of a data folder that history creates: owner access only. An existing folder keeps its mode. */
export const FOLDER_MODE = 0o700;

/**
 * Creates the history file's folder when missing and opens the file for
 * appending, creating it with mode 0600 or setting an existing file's mode
 * to 0600. Returns null when the file is writable, or the error description
 * after logging why history is disabled and `remedy`.
 */
export async function prepareHistoryFile(
  filePath: string,
  logger: Logger,
  remedy: string,
): Promise<string | null> {
  const folder = path.dirname(filePath);
  const disable = (failure: string, error: unknown) => {
    const description = describeError(error);
    const code = (error as NodeJS.ErrnoException).code ?? "unknown error";
    logger.error(`history disabled: ${failure} (${code}); ${remedy}`, {
      path: filePath,
      error: description,
    });
    return description;
  };

  try {
    await makeFolder(folder);
  } catch (error) {
    return disable(`cannot create the folder ${folder}`, error);
  }

  let handle;
  try {
    handle = await open(filePath, "a", FILE_MODE);
  } catch (error) {
    return disable(`cannot write ${filePath}`, error);
  }

  try {
    await handle.chmod(FILE_MODE);
  } catch (error) {
    logger.warn(
      `could not set mode 0600 on ${filePath}; other users may be able to read it`,
      { path: filePath, error: describeError(error) },
    );
  } finally {
    await handle.close().catch(() => {});
  }
  return null;
}

/**
 * Creates `folder` and any missing parents with `FOLDER_MODE`. It creates
 * one level at a time because `mkdir` with `recursive: true` on Node 20.20
 * rejects with ENOENT in place of the real cause, such as EROFS.
 */
async function makeFolder(folder: string): Promise<void> {
  try {
    await mkdir(folder, { mode: FOLDER_MODE });
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST" && (await isFolder(folder))) return;

    const parent = path.dirname(folder);
    if (code !== "ENOENT" || parent === folder) throw error;
    await makeFolder(parent);
  }

  try {
    await mkdir(folder, { mode: FOLDER_MODE });
  } catch (error) {
    // Another process may have created it since the first attempt.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "EEXIST" || !(await isFolder(folder))) throw error;
  }
}

async function isFolder(folder: string): Promise<boolean> {
  try {
    return (await stat(folder)).isDirectory();
  } catch {
    return false;
  }
}
