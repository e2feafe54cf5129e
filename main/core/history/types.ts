import type { Logger } from "../log.js";
import type { RequestRecord } from "../record.js";

/** Options for `History`. */
export interface HistoryOptions {
  /** Folder of the history file, created with mode 0700 when missing. */
  dataDir: string;
  logger: Logger;
  /** Records kept in the file and returned by `load`, from 1 to `MAX_HISTORY_RECORDS`. Default 10,000. */
  maxRecords?: number;
  /** Milliseconds appended records wait so they are written in one batch. Default 200. */
  flushIntervalMs?: number;
  /** File name inside `dataDir`. Default `requests.jsonl`. */
  fileName?: string;
  /** Records waiting to be written before the oldest are dropped. Default 10,000. */
  maxPending?: number;
  /** Advice appended to the log line when history cannot be written, for example the CLI flags that change the folder or turn history off. */
  remedy?: string;
}

/** Result of `load`: the records to pass to `Store.preload` and counts of what was left out. */
export interface HistoryLoadResult {
  /** The last `maxRecords` valid records of the file, oldest first. */
  records: RequestRecord[];
  /** Lines left out as unreadable: invalid JSON, not a request record, over `MAX_LINE_BYTES`, or a torn last line. */
  skipped: number;
  /** Part of `skipped`: lines over `MAX_LINE_BYTES`. */
  oversized: number;
  /** True when the last line was cut off, as after a crash during a write. It is counted in `skipped`. */
  tornLastLine: boolean;
  /** Valid records older than the last `maxRecords`, left out. */
  trimmed: number;
  /** True when the file was rewritten to drop skipped lines and trimmed records. */
  rewritten: boolean;
  /** False when the file cannot be written, so `append` does nothing. */
  enabled: boolean;
}

/** The history's state for screens and the local API. */
export interface HistoryStatus {
  path: string;
  /** True after a successful `load` that found the file writable, until `close`. */
  enabled: boolean;
  /** Records written since this process started. */
  recordsWritten: number;
  /** Lines skipped as unreadable by `load`. */
  skippedAtLoad: number;
  /** Records lost since start: failed writes, a full queue or a line over `MAX_LINE_BYTES`. */
  droppedRecords: number;
  /** Records waiting for the next write. */
  pendingRecords: number;
  /** Message of the latest failure, or null. */
  lastError: string | null;
}
