import { createReadStream } from "node:fs";

const NEWLINE = 0x0a;

/** Bytes read from the file at a time. */
const READ_CHUNK_BYTES = 64 * 1024;

/** Callbacks of `readLines`, run once per line in file order. */
export interface LineHandlers {
  /** A line of at most `maxLineBytes` bytes, without its newline; `terminated` is false for a last line with no newline. */
  onLine(text: string, terminated: boolean): void;
  /** A line longer than `maxLineBytes`, whose bytes were dropped as they arrived. */
  onOversized(): void;
}

/** Result of `readLines`, besides the lines passed to the handlers. */
export interface LineReadResult {
  /** False when the file is not empty and its last byte is not a newline. */
  endsWithNewline: boolean;
}

/**
 * Streams a file line by line. Memory stays near one read chunk plus
 * `maxLineBytes`, whatever the file size: a line that grows past the limit
 * is dropped without being held whole. Rejects with the read error, such as
 * ENOENT, after the handlers have run for the lines read before it.
 */
export async function readLines(
  filePath: string,
  maxLineBytes: number,
  handlers: LineHandlers,
): Promise<LineReadResult> {
  const stream = createReadStream(filePath, {
    highWaterMark: READ_CHUNK_BYTES,
  });
  const splitter = new LineSplitter(maxLineBytes, handlers);

  for await (const chunk of stream) splitter.push(chunk as Buffer);

  return { endsWithNewline: splitter.end() };
}

/** Splits byte chunks on newlines, holding at most `maxLineBytes` of a line that spans chunks. */
class LineSplitter {
  #pieces: Buffer[] = [];
  #pieceBytes = 0;
  #oversized = false;
  #sawBytes = false;
  #lastByte = NEWLINE;

  constructor(
    private readonly maxLineBytes: number,
    private readonly handlers: LineHandlers,
  ) {}

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.#sawBytes = true;
    this.#lastByte = chunk[chunk.length - 1] ?? NEWLINE;

    let start = 0;
    let newline = chunk.indexOf(NEWLINE, start);
    while (newline !== -1) {
      this.#finishLine(chunk, start, newline);
      start = newline + 1;
      newline = chunk.indexOf(NEWLINE, start);
    }

    if (start < chunk.length) this.#hold(chunk.subarray(start));
  }

  /** Handles a last line with no newline and returns whether the input ended with a newline. */
  end(): boolean {
    if (this.#oversized) this.handlers.onOversized();
    else if (this.#pieceBytes > 0)
      this.handlers.onLine(Buffer.concat(this.#pieces).toString("utf8"), false);

    this.#reset();
    return !this.#sawBytes || this.#lastByte === NEWLINE;
  }

  #finishLine(chunk: Buffer, start: number, end: number): void {
    const totalBytes = this.#pieceBytes + (end - start);

    if (this.#oversized || totalBytes > this.maxLineBytes) {
      this.handlers.onOversized();
    } else if (this.#pieceBytes === 0) {
      this.handlers.onLine(chunk.toString("utf8", start, end), true);
    } else {
      this.#pieces.push(chunk.subarray(start, end));
      this.handlers.onLine(Buffer.concat(this.#pieces).toString("utf8"), true);
    }

    this.#reset();
  }

  #hold(rest: Buffer): void {
    if (this.#oversized) return;

    if (this.#pieceBytes + rest.length > this.maxLineBytes) {
      this.#oversized = true;
      this.#pieces = [];
      this.#pieceBytes = 0;
      return;
    }

    // Copy, so a held piece does not keep the whole chunk in memory.
    this.#pieces.push(Buffer.from(rest));
    this.#pieceBytes += rest.length;
  }

  #reset(): void {
    this.#pieces = [];
    this.#pieceBytes = 0;
    this.#oversized = false;
  }
}
