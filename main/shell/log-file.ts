import { join } from "node:path";

import type { NodeLogger } from "electron-log";

import { createLogger, type Logger, type LogLevel } from "../core/log.js";

/** Name of the log file in the app's log folder. */
export const LOG_FILE_NAME = "tokentap.log";

/**
 * Creates the core's logger on top of electron-log: each line, already
 * formatted with its time, level and subsystem, goes to `tokentap.log` in
 * `logsDir` (electron-log rotates it at 1 MB) and to the console.
 * `electronLog` is `electron-log/main` in the app; it is a parameter so
 * that tests can pass `electron-log/node`, which writes files the same way.
 */
export function createFileLogger(
  electronLog: NodeLogger,
  logsDir: string,
  minLevel: LogLevel = "info",
): Logger {
  const path = join(logsDir, LOG_FILE_NAME);
  electronLog.transports.file.resolvePathFn = () => path;
  // The core's lines carry their own time, level and subsystem.
  electronLog.transports.file.format = "{text}";
  electronLog.transports.console.format = "{text}";

  return createLogger((level, line) => electronLog[level](line), minLevel);
}
