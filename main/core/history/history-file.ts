import { randomBytes } from "node:crypto";
import { open, rename, unlink } from "node:fs/promises";
import path from "node:path";

import type { RequestRecord } from "../record.js";
import { readLines } from "./line-reader.js";
import { formatRecordLine, parseRecordLine } from "./record-line.js";

/** Mode of the history file and of the temporary file that replaces it: owner read and write only. */
export const FILE_MODE = 0o600;

/** Result of `readHistoryFile`: the newest valid records and counts of the lines it skipped. */
export interface HistoryFileContents {
  /** The last `maxRecords` valid records, oldest first. */
  records: RequestRecord[];
  /** Valid records left out because more than `maxRecords` were found. */
  trimmed: number;
  /** Lines that were not JSON or not a request record, except a torn last line. */
  invalidLines: number;
  /** Lines longer than the line limit, dropped unread. */
  oversizedLines: number;
  /** True when the last line had no newline and did not parse, as after a crash during a write. */
  tornLastLine: boolean;
  /** Empty or whitespace-only lines. */
  blankLines: number;
  /** False when the file is not empty and its last byte is not a newline. */
  endsWithNewline: boolean;
  /** True when the file does not exist. */
  missing: boolean;
  /** The read error other than a missing file, after which the counts cover only what was read. */
  error: NodeJS.ErrnoException | null;
}

/**
 * Reads a history file, keeping the last `maxRecords` valid records and
 * counting every skipped line. Never rejects: a read error is returned with
 * what was read before it.
 */
export async function readHistoryFile(
  filePath: string,
  maxRecords: number,
  maxLineBytes: number,
): Promise<HistoryFileContents> {
  const newest = new LastItems<RequestRecord>(maxRecords);
  const contents: HistoryFileContents = {
    records: [],
    trimmed: 0,
    invalidLines: 0,
    oversizedLines: 0,
    tornLastLine: false,
    blankLines: 0,
    endsWithNewline: true,
    missing: false,
    error: null,
  };

  const onLine = (text: string, terminated: boolean) => {
    if (text.trim() === "") {
      contents.blankLines += 1;
      return;
    }

    const record = parseRecordLine(text);
    if (record !== null) newest.push(record);
    else if (terminated) contents.invalidLines += 1;
    else contents.tornLastLine = true;
  };
  const onOversized = () => {
    contents.oversizedLines += 1;
  };

  try {
    const result = await readLines(filePath, maxLineBytes, {
      onLine,
      onOversized,
    });
    contents.endsWithNewline = result.endsWithNewline;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") contents.missing = true;
    else contents.error = error as NodeJS.ErrnoException;
  }

  contents.records = newest.toArray();
  contents.trimmed = newest.dropped;
  return contents;
}

/** Records formatted per piece of history text, so no single step blocks the event loop for long. */
const RECORDS_PER_PIECE = 500;

/**
 * Yields history file text for `records` in pieces of up to
 * `RECORDS_PER_PIECE` lines, each line ending in a newline.
 */
export function* formatHistoryPieces(
  records: readonly RequestRecord[],
): Generator<string> {
  for (let start = 0; start < records.length; start += RECORDS_PER_PIECE) {
    let piece = "";
    const end = Math.min(start + RECORDS_PER_PIECE, records.length);
    for (let index = start; index < end; index += 1)
      piece += `${formatRecordLine(records[index] as RequestRecord)}\n`;
    yield piece;
  }
}

/**
 * Replaces `filePath` with the concatenated `pieces` so a reader sees either
 * the old file or the new one, never a mix. It writes a temporary file in
 * the same folder with mode 0600, one piece at a time, flushes it to disk,
 * renames it over the original, then flushes the folder entry where the
 * platform allows. When a step fails, the temporary file is removed and the
 * error is rethrown.
 */
export async function writeFileAtomic(
  filePath: string,
  pieces: Iterable<string>,
): Promise<void> {
  const folder = path.dirname(filePath);
  const suffix = `${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  const temporaryPath = path.join(
    folder,
    `.${path.basename(filePath)}.${suffix}`,
  );

  try {
    const handle = await open(temporaryPath, "wx", FILE_MODE);
    try {
      // Each writeFile call on a handle continues at the current position.
      for (const piece of pieces) await handle.writeFile(piece, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }

    await rename(temporaryPath, filePath);
  } catch (error) {
    await unlink(temporaryPath).catch(() => {});
    throw error;
  }

  await syncFolder(folder);
}

/** Flushes a folder's entries so a rename survives power loss. Windows cannot open a folder for this, so failures are ignored. */
async function syncFolder(folder: string): Promise<void> {
  try {
    const handle = await open(folder, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // The rename is done; only its durability across power loss is weaker.
  }
}

/** Keeps the last `capacity` items pushed, counting the ones it dropped. */
class LastItems<T> {
  readonly #items: T[] = [];
  #next = 0;
  dropped = 0;

  constructor(private readonly capacity: number) {}

  push(item: T): void {
    if (this.#items.length < this.capacity) {
      this.#items.push(item);
      return;
    }

    this.#items[this.#next] = item;
    this.#next = (this.#next + 1) % this.capacity;
    this.dropped += 1;
  }

  /** Returns the kept items, oldest first. */
  toArray(): T[] {
    return [
      ...this.#items.slice(this.#next),
      ...this.#items.slice(0, this.#next),
    ];
  }
}
