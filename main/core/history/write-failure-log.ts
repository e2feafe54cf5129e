import { describeError } from "../errors.js";
import type { Logger } from "../log.js";

/** Minimum time between two log lines about continuing write failures. */
export const FAILURE_REPORT_INTERVAL_MS = 60_000;

/**
 * Logs failed history writes without flooding the log: the first failure
 * in full, then a count at most once per `intervalMs`, then one line when
 * writes succeed again.
 */
export class WriteFailureLog {
  #failing = false;
  #lastReportAt = 0;
  #failuresSinceReport = 0;
  #recordsSinceReport = 0;
  #totalFailures = 0;
  #totalRecords = 0;

  constructor(
    private readonly logger: Logger,
    private readonly filePath: string,
    private readonly intervalMs = FAILURE_REPORT_INTERVAL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts a failed write of `records` records and logs it when due. */
  failed(error: unknown, records: number): void {
    this.#totalFailures += 1;
    this.#totalRecords += records;

    if (!this.#failing) {
      this.#failing = true;
      this.#lastReportAt = this.now();
      this.logger.error(
        `history write failed: ${records} records not written to ${this.filePath}; ${adviceFor(error)}. Later failures are counted and logged once a minute`,
        { path: this.filePath, records, error: describeError(error) },
      );
      return;
    }

    this.#failuresSinceReport += 1;
    this.#recordsSinceReport += records;
    if (this.now() - this.#lastReportAt < this.intervalMs) return;

    this.logger.error(
      `history writes still failing: ${this.#failuresSinceReport} more failed writes, ${this.#recordsSinceReport} more records not written to ${this.filePath}`,
      { path: this.filePath, error: describeError(error) },
    );
    this.#lastReportAt = this.now();
    this.#failuresSinceReport = 0;
    this.#recordsSinceReport = 0;
  }

  /** Logs the recovery once after a run of failures. */
  succeeded(): void {
    if (!this.#failing) return;

    this.logger.info(
      `history writes to ${this.filePath} work again after ${this.#totalFailures} failed writes and ${this.#totalRecords} records not written`,
      {
        path: this.filePath,
        failedWrites: this.#totalFailures,
        lostRecords: this.#totalRecords,
      },
    );
    this.#failing = false;
    this.#failuresSinceReport = 0;
    this.#recordsSinceReport = 0;
    this.#totalFailures = 0;
    this.#totalRecords = 0;
  }
}

/** Returns what the user can do about a file system error. */
export function adviceFor(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;

  switch (code) {
    case "ENOSPC":
    case "EDQUOT":
      return "free disk space on that drive";
    case "EROFS":
      return "the file system is read-only; choose a writable data folder";
    case "EACCES":
    case "EPERM":
      return "check the permissions of the file and its folder";
    default:
      return "check that the data folder exists and is writable";
  }
}
