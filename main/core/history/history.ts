import { performance } from "node:perf_hooks";

import { describeError } from "../errors.js";
import type { Logger } from "../log.js";
import type { RequestRecord } from "../record.js";
import { readHistoryFile, type HistoryFileContents } from "./history-file.js";
import { MAX_LINE_BYTES, resolveHistoryOptions } from "./history-options.js";
import { HistoryWriter } from "./history-writer.js";
import {
  countFileLines,
  countSkippedLines,
  logReadProblems,
} from "./load-report.js";
import { prepareHistoryFile } from "./prepare-file.js";
import { formatRecordLine } from "./record-line.js";
import type {
  HistoryLoadResult,
  HistoryOptions,
  HistoryStatus,
} from "./types.js";

/**
 * The request history: a JSON Lines file of request records that outlives
 * the process. `load` reads it at start, `append` queues live records and
 * writes them in batches, in order, one write at a time, and the file is
 * trimmed back to `maxRecords` once it contains twice that many lines. No
 * method throws a file system error: failures are logged and counted.
 *
 * NOTE: there is no lock, so two processes on the same folder interleave
 * their appends, and a trim by one drops lines the other writes during it.
 */
export class History {
  readonly path: string;
  readonly maxRecords: number;
  readonly flushIntervalMs: number;
  readonly maxPending: number;
  readonly #logger: Logger;
  readonly #remedy: string;
  readonly #writer: HistoryWriter;
  #pending: string[] = [];
  #queue: Promise<unknown> = Promise.resolve();
  #timer: NodeJS.Timeout | null = null;
  #loadResult: Promise<HistoryLoadResult> | null = null;
  #loaded = false;
  #writable = false;
  #closed = false;
  #recordsWritten = 0;
  #skippedAtLoad = 0;
  #droppedRecords = 0;
  #lastError: string | null = null;
  #dropLogged = false;
  #appendAfterCloseLogged = false;

  constructor(options: HistoryOptions) {
    const settings = resolveHistoryOptions(options);
    this.maxRecords = settings.maxRecords;
    this.maxPending = settings.maxPending;
    this.flushIntervalMs = settings.flushIntervalMs;
    this.path = settings.path;
    this.#logger = options.logger;
    this.#remedy = settings.remedy;
    this.#writer = new HistoryWriter(
      this.path,
      this.maxRecords,
      MAX_LINE_BYTES,
      options.logger,
      (description: string) => {
        this.#lastError = description;
      },
    );
  }

  /**
   * Creates the folder, checks that the file can be written, reads the last
   * `maxRecords` valid records and rewrites the file when lines were skipped
   * or records trimmed. Never rejects. Call it once, before the first
   * `append`; later calls return the same result.
   */
  load(): Promise<HistoryLoadResult> {
    this.#loadResult ??= this.#enqueue(() => this.#loadNow()).catch(
      (error: unknown) => this.#failLoad(error),
    );
    return this.#loadResult;
  }

  /**
   * Queues a record for the next batch write. Only the `RequestRecord`
   * fields are written. Records appended before `load` finishes wait for it,
   * and records appended after `close` or while history is disabled are
   * ignored.
   */
  append(record: RequestRecord): void {
    if (this.#closed) {
      this.#logAppendAfterClose();
      return;
    }
    if (this.#loaded && !this.#writable) return;

    const line = this.#formatLine(record);
    if (line === null) return;

    this.#pending.push(line);
    if (this.#pending.length > this.maxPending) {
      this.#pending.shift();
      this.#dropRecords(
        `the write queue is full (maxPending ${this.maxPending})`,
      );
    }

    this.#scheduleWrite();
  }

  /** Writes every queued record now. Resolves after the write, whether or not it succeeded. */
  async flush(): Promise<void> {
    this.#cancelTimer();
    await this.#enqueueWrite();
  }

  /** Writes what is queued, stops the timer and ignores later appends. */
  async close(): Promise<void> {
    if (this.#closed) {
      await this.#queue;
      return;
    }

    this.#closed = true;
    this.#cancelTimer();
    await this.#enqueueWrite();

    if (this.#pending.length > 0)
      this.#logger.warn(
        `history closed before load; ${this.#pending.length} records were not written`,
        { path: this.path },
      );
    this.#logger.info("history closed", {
      path: this.path,
      recordsWritten: this.#recordsWritten,
      droppedRecords: this.#droppedRecords,
    });
  }

  /** Returns the history's state for screens and the local API. */
  status(): HistoryStatus {
    return {
      path: this.path,
      enabled: this.#loaded && this.#writable && !this.#closed,
      recordsWritten: this.#recordsWritten,
      skippedAtLoad: this.#skippedAtLoad,
      droppedRecords: this.#droppedRecords,
      pendingRecords: this.#pending.length,
      lastError: this.#lastError,
    };
  }

  /** Runs `task` after every task queued before it, so file operations never overlap. */
  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task);
    this.#queue = run.catch(() => {});
    return run;
  }

  /** Queues a write of the pending records. The write logs its own failures, so this never rejects. */
  #enqueueWrite(): Promise<void> {
    return this.#enqueue(() => this.#writePending()).catch((error: unknown) => {
      this.#lastError = describeError(error);
      this.#logger.error("history write failed unexpectedly", {
        path: this.path,
        error: this.#lastError,
      });
    });
  }

  /** Handles an error that `#loadNow` did not catch, so `load` still resolves and history stays off. */
  #failLoad(error: unknown): HistoryLoadResult {
    this.#loaded = true;
    this.#writable = false;
    this.#lastError = describeError(error);
    this.#logger.error(`history disabled: loading ${this.path} failed`, {
      path: this.path,
      error: this.#lastError,
    });
    this.#dropPendingOfDisabled();

    return {
      records: [],
      skipped: 0,
      oversized: 0,
      tornLastLine: false,
      trimmed: 0,
      rewritten: false,
      enabled: false,
    };
  }

  /** Drops records appended before load found the file unwritable. */
  #dropPendingOfDisabled(): void {
    this.#droppedRecords += this.#pending.length;
    this.#pending = [];
  }

  async #loadNow(): Promise<HistoryLoadResult> {
    const startedAt = performance.now();
    const prepareError = await prepareHistoryFile(
      this.path,
      this.#logger,
      this.#remedy,
    );
    this.#writable = prepareError === null;
    if (prepareError !== null) this.#lastError = prepareError;

    const contents = await readHistoryFile(
      this.path,
      this.maxRecords,
      MAX_LINE_BYTES,
    );
    const skipped = countSkippedLines(contents);
    this.#skippedAtLoad = skipped;
    this.#writer.startFrom(countFileLines(contents), contents.endsWithNewline);
    logReadProblems(this.#logger, this.path, contents, MAX_LINE_BYTES);
    if (contents.error !== null)
      this.#lastError = describeError(contents.error);

    const rewritten = this.#needsRewrite(contents)
      ? await this.#writer.rewrite(contents.records, "load")
      : false;

    this.#loaded = true;
    this.#logger.info(`history loaded from ${this.path}`, {
      path: this.path,
      records: contents.records.length,
      skipped,
      trimmed: contents.trimmed,
      rewritten,
      enabled: this.#writable,
      ms: Math.round(performance.now() - startedAt),
    });
    if (!this.#writable) this.#dropPendingOfDisabled();
    if (this.#pending.length > 0) this.#scheduleWrite();

    return {
      records: contents.records,
      skipped,
      oversized: contents.oversizedLines,
      tornLastLine: contents.tornLastLine,
      trimmed: contents.trimmed,
      rewritten,
      enabled: this.#writable,
    };
  }

  #needsRewrite(contents: HistoryFileContents): boolean {
    if (!this.#writable || contents.error !== null || contents.missing)
      return false;

    return (
      this.#skippedAtLoad > 0 ||
      contents.trimmed > 0 ||
      contents.blankLines > 0 ||
      !contents.endsWithNewline
    );
  }

  async #writePending(): Promise<void> {
    if (!this.#loaded || !this.#writable || this.#pending.length === 0) return;

    const lines = this.#pending;
    this.#pending = [];

    const written = await this.#writer.append(lines);
    if (written) this.#recordsWritten += lines.length;
    else this.#droppedRecords += lines.length;
  }

  #formatLine(record: RequestRecord): string | null {
    let line: string;
    try {
      line = `${formatRecordLine(record)}\n`;
    } catch (error) {
      this.#logger.warn("history could not format a record; skipping it", {
        id: String(record.id),
        error: describeError(error),
      });
      this.#droppedRecords += 1;
      return null;
    }

    if (Buffer.byteLength(line) <= MAX_LINE_BYTES) return line;

    this.#dropRecords(`its line is over ${MAX_LINE_BYTES} bytes`);
    return null;
  }

  /** Counts a dropped record, logging the first drop and leaving the rest to `status`. */
  #dropRecords(reason: string): void {
    this.#droppedRecords += 1;
    if (this.#dropLogged) return;

    this.#dropLogged = true;
    this.#logger.warn(
      `history dropped a record because ${reason}; later drops are counted in droppedRecords`,
      { path: this.path },
    );
  }

  #logAppendAfterClose(): void {
    if (this.#appendAfterCloseLogged) return;

    this.#appendAfterCloseLogged = true;
    this.#logger.debug("history is closed; ignoring appended records", {
      path: this.path,
    });
  }

  #scheduleWrite(): void {
    if (this.#timer !== null) return;

    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#enqueueWrite();
    }, this.flushIntervalMs);
    // The timer alone must not keep the process alive; close() writes what is left.
    this.#timer.unref();
  }

  #cancelTimer(): void {
    if (this.#timer === null) return;

    clearTimeout(this.#timer);
    this.#timer = null;
  }
}
