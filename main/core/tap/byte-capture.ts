const EMPTY = Buffer.alloc(0);

/**
 * Captures one range of a chunked byte stream, up to a limit. A range that
 * ends in the chunk it began in is read in place, without a copy. One that
 * spans chunks is copied in bulk into a fixed buffer as each chunk ends. A
 * range longer than its limit stops copying and ends without bytes, so
 * memory never exceeds the buffer's size.
 */
export class ByteCapture {
  /** After a successful `end`: the buffer that contains the range, and the range's bounds in it. */
  bytes: Buffer = EMPTY;
  start = 0;
  stop = 0;

  /** Allocated on the first range that spans chunks; most values lie within one chunk. */
  private buffer: Buffer = EMPTY;
  private readonly sizeBytes: number;
  private active = false;
  private overflowed = false;
  /** Whether earlier chunks' bytes of the range were copied into the buffer. */
  private carried = false;
  /** Start of the range inside the current chunk; 0 once the range spans chunks. */
  private from = 0;
  private copied = 0;
  private limit = 0;

  constructor(sizeBytes: number) {
    this.sizeBytes = sizeBytes;
  }

  /** Starts a range at index `from` of the current chunk, keeping at most `limitBytes`. */
  begin(from: number, limitBytes: number): void {
    this.active = true;
    this.overflowed = false;
    this.carried = false;
    this.from = from;
    this.copied = 0;
    this.limit = Math.min(limitBytes, this.sizeBytes);
  }

  /** Copies the open range's part of a chunk that ends at `length`, before the next chunk arrives. */
  carry(chunk: Buffer, length: number): void {
    this.bytes = EMPTY;
    if (!this.active) return;

    this.copy(chunk, length);
    this.carried = true;
    this.from = 0;
  }

  /**
   * Ends the range just before index `end` of the current chunk. Returns
   * false when it was longer than its limit; otherwise `bytes`, `start` and
   * `stop` locate it until the next chunk or range.
   */
  end(chunk: Buffer, end: number): boolean {
    if (!this.active) return false;
    this.active = false;

    if (!this.carried) {
      if (end - this.from > this.limit) return false;
      this.locate(chunk, this.from, end);
      return true;
    }

    this.copy(chunk, end);
    if (this.overflowed) return false;
    this.locate(this.buffer, 0, this.copied);
    return true;
  }

  /** Drops the open range, if any. */
  cancel(): void {
    this.active = false;
    this.copied = 0;
  }

  /** Bytes copied for the open range. */
  length(): number {
    return this.active ? this.copied : 0;
  }

  private locate(bytes: Buffer, start: number, stop: number): void {
    this.bytes = bytes;
    this.start = start;
    this.stop = stop;
  }

  private copy(chunk: Buffer, to: number): void {
    if (this.overflowed) return;

    const count = to - this.from;
    if (this.copied + count > this.limit) {
      this.overflowed = true;
      this.copied = 0;
      return;
    }

    if (this.buffer.length === 0)
      this.buffer = Buffer.allocUnsafe(this.sizeBytes);
    chunk.copy(this.buffer, this.copied, this.from, to);
    this.copied += count;
  }
}
