import { appendFile } from "node:fs/promises";

import { describeError } from "../errors.js";
import type { Logger } from "../log.js";
import type { RequestRecord } from "../record.js";
import {
  FILE_MODE,
  formatHistoryPieces,
  readHistoryFile,
  writeFileAtomic,
} from "./history-file.js";
import { adviceFor, WriteFailureLog } from "./write-failure-log.js";

/**
 * The writes to one history file: batch appends, atomic rewrites, and a
 * trim back to `maxRecords` once the file reaches twice that many lines.
 * The caller runs one method at a time. Methods log and report failures
 * instead of throwing.
 */
export class HistoryWriter {
  #linesInFile = 0;
  #trimAtLines: number;
  /** True when the file may end without a newline, so the next append starts a new line. */
  #needsLeadingNewline = false;
  readonly #failures: WriteFailureLog;

  constructor(
    readonly path: string,
    readonly maxRecords: number,
    readonly maxLineBytes: number,
    private readonly logger: Logger,
    private readonly reportError: (description: string) => void,
  ) {
    this.#failures = new WriteFailureLog(logger, path);
    this.#trimAtLines = 2 * maxRecords;
  }

  /** Sets what load found: the file's line count and whether its last line ends in a newline. */
  startFrom(lines: number, endsWithNewline: boolean): void {
    this.#linesInFile = lines;
    this.#needsLeadingNewline = !endsWithNewline;
  }

  /** Replaces the file with `records`. Returns false, after logging, when that fails. */
  async rewrite(
    records: readonly RequestRecord[],
    reason: "load" | "trim",
  ): Promise<boolean> {
    const linesBefore = this.#linesInFile;
    try {
      await writeFileAtomic(this.path, formatHistoryPieces(records));
    } catch (error) {
      this.reportError(describeError(error));
      this.logger.error(
        `history rewrite failed: ${this.path} keeps its ${linesBefore} lines; ${adviceFor(error)}`,
        { path: this.path, reason, error: describeError(error) },
      );
      return false;
    }

    this.#linesInFile = records.length;
    this.#needsLeadingNewline = false;
    this.logger.info(
      `history rewrote ${this.path} with ${records.length} records`,
      { path: this.path, reason, linesBefore, records: records.length },
    );
    return true;
  }

  /**
   * Appends formatted lines, each ending in a newline, in one write, then
   * trims the file when due. Returns false, after logging, when the append
   * fails, and the lines are then lost.
   */
  async append(lines: readonly string[]): Promise<boolean> {
    const prefix = this.#needsLeadingNewline ? "\n" : "";

    try {
      await appendFile(this.path, prefix + lines.join(""), {
        mode: FILE_MODE,
      });
    } catch (error) {
      // A failed append may leave part of a line behind, so the next one starts on a new line.
      this.#needsLeadingNewline = true;
      this.reportError(describeError(error));
      this.#failures.failed(error, lines.length);
      return false;
    }

    this.#needsLeadingNewline = false;
    this.#linesInFile += lines.length + (prefix === "" ? 0 : 1);
    this.#failures.succeeded();

    if (this.#linesInFile >= this.#trimAtLines) await this.#trim();
    return true;
  }

  /** Cuts the file back to its last `maxRecords` records. */
  async #trim(): Promise<void> {
    const contents = await readHistoryFile(
      this.path,
      this.maxRecords,
      this.maxLineBytes,
    );

    if (contents.error !== null) {
      this.reportError(describeError(contents.error));
      this.logger.error(`history trim failed reading ${this.path}`, {
        path: this.path,
        error: describeError(contents.error),
      });
    }

    const trimmed =
      contents.error === null && (await this.rewrite(contents.records, "trim"));

    // After a failure, wait for another maxRecords lines instead of retrying on every append.
    this.#trimAtLines = trimmed
      ? 2 * this.maxRecords
      : this.#linesInFile + this.maxRecords;
  }
}
