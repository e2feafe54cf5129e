import path from "node:path";

import type { HistoryOptions } from "./types.js";

export const DEFAULT_HISTORY_FILE_NAME = "requests.jsonl";
export const DEFAULT_HISTORY_RECORDS = 10_000;
/** Upper bound on `maxRecords`, because load and trim hold that many records in memory. */
export const MAX_HISTORY_RECORDS = 1_000_000;
export const DEFAULT_FLUSH_INTERVAL_MS = 200;
export const DEFAULT_MAX_PENDING = 10_000;
/**
 * Maximum length of a history line read or written, in bytes. A typical
 * record line is about 500 bytes, and errors are cut to 500 characters, so
 * only a URL path of tens of KiB comes near it.
 */
export const MAX_LINE_BYTES = 64 * 1024;

export const DEFAULT_REMEDY =
  "check the folder's permissions or choose another data folder";

/** Upper bound on `flushIntervalMs`, so a queued record waits at most a minute. */
export const MAX_FLUSH_INTERVAL_MS = 60_000;

/** `HistoryOptions` with defaults filled in and the file path resolved. */
export interface HistorySettings {
  path: string;
  maxRecords: number;
  maxPending: number;
  flushIntervalMs: number;
  remedy: string;
}

/** Fills in defaults and validates the options, throwing a RangeError that names an invalid value. */
export function resolveHistoryOptions(
  options: HistoryOptions,
): HistorySettings {
  return {
    path: path.join(
      options.dataDir,
      options.fileName ?? DEFAULT_HISTORY_FILE_NAME,
    ),
    maxRecords: validateInteger(
      "maxRecords",
      options.maxRecords ?? DEFAULT_HISTORY_RECORDS,
      1,
      MAX_HISTORY_RECORDS,
    ),
    maxPending: validateInteger(
      "maxPending",
      options.maxPending ?? DEFAULT_MAX_PENDING,
      1,
      Number.MAX_SAFE_INTEGER,
    ),
    flushIntervalMs: validateInteger(
      "flushIntervalMs",
      options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS,
      0,
      MAX_FLUSH_INTERVAL_MS,
    ),
    remedy: options.remedy ?? DEFAULT_REMEDY,
  };
}

function validateInteger(
  name: string,
  value: number,
  min: number,
  max: number,
): number {
  if (Number.isInteger(value) && value >= min && value <= max) return value;

  throw new RangeError(
    `Invalid history ${name} ${String(value)}: expected an integer from ${min} to ${max}.`,
  );
}
