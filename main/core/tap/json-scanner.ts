import { ByteCapture } from "./byte-capture.js";

/**
 * How top-level values are delimited: `lines` is NDJSON, where a line feed
 * always ends the current value, and `document` is a JSON body, where line
 * feeds are whitespace.
 */
export type ScanMode = "lines" | "document";

/** A member left out of a scanned object because it was too large, with its serialized size in bytes. */
export interface DroppedMember {
  /** Member names from the top-level object down, one or two long. */
  path: readonly string[];
  bytes: number;
}

/** A top-level JSON object as far as it was kept. */
export interface ScannedObject {
  kind: "object";
  /**
   * Members whose serialized value fits, parsed. A member that is an object
   * holds only those of its own members that fit.
   */
  members: Record<string, unknown>;
  /** Members dropped for size, at most 16 of them. */
  dropped: readonly DroppedMember[];
}

/** Why a top-level value was not read: bad JSON, valid JSON that is no object, or a value cut off. */
export type InvalidReason = "syntax" | "not-object" | "unfinished";

/** A top-level value that is not an object, or not JSON. */
export interface InvalidValue {
  kind: "invalid";
  reason: InvalidReason;
}

/** One scanned top-level value. */
export type ScanResult = ScannedObject | InvalidValue;

/** Settings of a {@link JsonScanner}. */
export interface JsonScannerOptions {
  mode: ScanMode;
  /** Called synchronously, during `push` or `end`, for every top-level value. */
  onResult: (result: ScanResult) => void;
  /** Largest serialized member value kept, in bytes. */
  maxValueBytes?: number;
  /** Most bytes of members (keys included) kept per top-level value. */
  captureBudgetBytes?: number;
  /** Top-level member names to keep; the others are skipped without being reported. */
  select?: ReadonlySet<string>;
}

/** Default largest member value kept, in bytes. */
export const DEFAULT_MAX_VALUE_BYTES = 4096;

/** Default budget of kept member bytes per top-level value. */
export const DEFAULT_CAPTURE_BUDGET_BYTES = 16_384;

// Longer keys are never among the members a tap reads, so such members are skipped.
const MAX_KEY_BYTES = 256;
const MAX_DEPTH = 512;
const MAX_DROPPED = 16;
const EMPTY = Buffer.alloc(0);

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACKET = 0x5b;
const BACKSLASH = 0x5c;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

// Parser states between bytes.
const BETWEEN = 0; // at top level, before a value
const VALUE = 1; // after ':' or an array's ',': a value must follow
const ARRAY_START = 2; // after '[': a value or ']'
const OBJECT_START = 3; // after '{': a key or '}'
const KEY = 4; // after an object's ',': a key must follow
const COLON_NEXT = 5; // after a key
const AFTER_VALUE = 6; // after a value inside a container: ',' or the closing bracket
const IN_STRING = 7;
const IN_SCALAR = 8;
const SKIPPING = 9; // after an invalid value: to the next line feed, or to `end` in document mode

const OBJECT = 1;
const ARRAY = 2;

// What happens to a member's value.
const IGNORE = 0; // not selected, or its key was too long
const RAW = 1; // bytes captured, parsed when complete
const MEMBERS = 2; // an object member whose own members are captured one by one

const SCALAR_START = byteTable("0123456789-tfn");
const SCALAR_BYTE = byteTable(
  "0123456789+-.abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
);

/**
 * Scans a stream of JSON values fed as Buffer chunks, keeping only the small
 * members of each top-level object and one level inside its object members.
 * Memory stays within the capture budget whatever the size of the values.
 * String contents are skipped with `Buffer.indexOf`. Bytes of kept members
 * are copied raw and decoded at the end, so UTF-8 split across chunks is
 * whole again. Members that are skipped or dropped are only checked for
 * structure (brackets, strings and separators), not full JSON grammar.
 */
export class JsonScanner {
  private readonly lines: boolean;
  private readonly onResult: (result: ScanResult) => void;
  private readonly maxValueBytes: number;
  private readonly budgetBytes: number;
  private readonly select: ReadonlySet<string> | undefined;
  private readonly capture: ByteCapture;

  private state = BETWEEN;
  private depth = 0;
  private readonly containers = new Uint8Array(MAX_DEPTH + 1);
  private stringIsKey = false;
  /** Whether the current string holds an escape, so decoding it needs `JSON.parse`. */
  private stringEscaped = false;
  private escapeNext = false;
  private chunk: Buffer = EMPTY;
  /** Bytes pushed before the current chunk. */
  private consumed = 0;

  // Positions of the next quote, backslash and line feed in the current chunk; -2 is not searched yet.
  private quoteAt = -2;
  private backslashAt = -2;
  private newlineAt = -2;

  // The top-level value.
  private topIsObject = false;
  private members: Record<string, unknown> = {};
  private dropped: DroppedMember[] = [];
  private keptBytes = 0;

  // The current member (level 1) and member of an object member (level 2).
  private keyLevel = 0;
  private memberKey: string | null = null;
  private memberMode = IGNORE;
  private memberStart = 0;
  private memberObject: Record<string, unknown> = {};
  private subKey: string | null = null;
  private subMode = IGNORE;
  private subStart = 0;

  constructor(options: JsonScannerOptions) {
    this.lines = options.mode === "lines";
    this.onResult = options.onResult;
    this.maxValueBytes = options.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES;
    this.budgetBytes =
      options.captureBudgetBytes ?? DEFAULT_CAPTURE_BUDGET_BYTES;
    this.select = options.select;
    this.capture = new ByteCapture(Math.max(this.maxValueBytes, MAX_KEY_BYTES));
  }

  /** Scans one chunk, reporting the values it completes. */
  push(chunk: Buffer): void {
    this.chunk = chunk;
    this.quoteAt = -2;
    this.backslashAt = -2;
    this.newlineAt = -2;

    const length = chunk.length;
    let i = 0;
    while (i < length) {
      if (this.state === IN_STRING) i = this.scanString(chunk, i);
      else if (this.state === IN_SCALAR) i = this.scanScalar(chunk, i);
      else if (this.state === SKIPPING) i = this.skip(chunk, i);
      else i = this.scanStructure(chunk, i);
    }

    this.capture.carry(chunk, length);
    this.consumed += length;
    this.chunk = EMPTY;
  }

  /** Ends the input, reporting a value still open as unfinished (or, for a top-level number or literal, as complete). */
  end(): void {
    if (this.state === IN_SCALAR && this.depth === 0) {
      this.completeValue(0);
    } else if (this.state !== BETWEEN && this.state !== SKIPPING) {
      this.fail("unfinished");
    }

    this.resetValue();
    this.state = BETWEEN;
  }

  /** Bytes held for the value being scanned: kept members plus the member being captured. */
  retainedBytes(): number {
    return this.keptBytes + this.capture.length();
  }

  private scanStructure(chunk: Buffer, start: number): number {
    const length = chunk.length;
    let i = start;

    while (i < length) {
      const byte = chunk[i]!;
      if (byte === SPACE || byte === TAB || byte === CR) {
        i++;
        continue;
      }

      if (byte === LF) {
        if (this.lines && this.state !== BETWEEN) {
          this.fail("unfinished");
          return i;
        }
        i++;
        continue;
      }

      i = this.scanToken(byte, i);
      // Numbers are scanned in place, which keeps long arrays of them fast.
      if (this.state === IN_SCALAR) i = this.scanScalar(chunk, i);
      if (
        this.state === IN_STRING ||
        this.state === IN_SCALAR ||
        this.state === SKIPPING
      ) {
        return i;
      }
    }

    return i;
  }

  /** Handles one structural byte at `i`, returning where scanning goes on. */
  private scanToken(byte: number, i: number): number {
    switch (this.state) {
      case BETWEEN:
      case VALUE:
        return this.startValue(byte, i);
      case ARRAY_START:
        return byte === CLOSE_BRACKET
          ? this.closeContainer(ARRAY, i)
          : this.startValue(byte, i);
      case OBJECT_START:
        if (byte === CLOSE_BRACE) return this.closeContainer(OBJECT, i);
        return byte === QUOTE ? this.startKey(i) : this.fail("syntax", i);
      case KEY:
        return byte === QUOTE ? this.startKey(i) : this.fail("syntax", i);
      case COLON_NEXT:
        if (byte !== COLON) return this.fail("syntax", i);
        this.state = VALUE;
        return i + 1;
      default:
        return this.continueContainer(byte, i);
    }
  }

  /** In AFTER_VALUE: a comma or the closing bracket. */
  private continueContainer(byte: number, i: number): number {
    if (byte === COMMA) {
      this.state = this.containers[this.depth] === OBJECT ? KEY : VALUE;
      return i + 1;
    }
    if (byte === CLOSE_BRACE) return this.closeContainer(OBJECT, i);
    if (byte === CLOSE_BRACKET) return this.closeContainer(ARRAY, i);
    return this.fail("syntax", i);
  }

  private startValue(byte: number, i: number): number {
    if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      if (this.depth === MAX_DEPTH) return this.fail("syntax", i);

      const isObject = byte === OPEN_BRACE;
      if (this.depth === 0) this.topIsObject = isObject;
      this.beginValue(i, isObject);
      this.depth++;
      this.containers[this.depth] = isObject ? OBJECT : ARRAY;
      this.state = isObject ? OBJECT_START : ARRAY_START;
      return i + 1;
    }

    if (byte === QUOTE) {
      this.beginValue(i, false);
      this.state = IN_STRING;
      this.stringIsKey = false;
      this.stringEscaped = false;
      return i + 1;
    }

    if (SCALAR_START[byte] === 1) {
      this.beginValue(i, false);
      this.state = IN_SCALAR;
      return i;
    }

    return this.fail("syntax", i);
  }

  private closeContainer(kind: number, i: number): number {
    if (this.containers[this.depth] !== kind) return this.fail("syntax", i);

    this.depth--;
    this.completeValue(i + 1);
    return i + 1;
  }

  private startKey(i: number): number {
    this.stringIsKey = true;
    this.stringEscaped = false;
    this.state = IN_STRING;

    if (this.depth === 1) this.keyLevel = 1;
    else if (this.depth === 2 && this.memberMode === MEMBERS) this.keyLevel = 2;
    else this.keyLevel = 0;

    if (this.keyLevel !== 0) this.capture.begin(i, MAX_KEY_BYTES);
    return i + 1;
  }

  private endKey(end: number): void {
    this.state = COLON_NEXT;
    if (this.keyLevel === 0) return;

    const capture = this.capture;
    let key: string | null = null;
    if (capture.end(this.chunk, end)) {
      const decoded = decodeValue(
        capture.bytes,
        capture.start,
        capture.stop,
        this.stringEscaped,
      );
      if (typeof decoded !== "string") {
        this.fail("syntax");
        return;
      }
      // Skipped so that a member cannot replace a kept object's prototype.
      key = decoded === "__proto__" ? null : decoded;
    }

    if (this.keyLevel === 1) this.memberKey = key;
    else this.subKey = key;
  }

  /** Skips string contents from `start`, ending the string at its closing quote. */
  private scanString(chunk: Buffer, start: number): number {
    const length = chunk.length;
    let i = start;

    if (this.escapeNext) {
      this.escapeNext = false;
      this.stringEscaped = true;
      if (this.lines && chunk[i] === LF) return this.fail("unfinished", i);
      i++;
    }

    while (i < length) {
      const quote = this.findQuote(chunk, i);
      const stop = quote === -1 ? length : quote;
      const backslash = this.findBackslash(chunk, i);
      const escapes = backslash !== -1 && backslash < stop;

      if (this.lines) {
        const newline = this.findNewline(chunk, i);
        if (
          newline !== -1 &&
          newline < stop &&
          (!escapes || newline < backslash)
        ) {
          return this.fail("unfinished", newline);
        }
      }

      if (escapes) {
        this.stringEscaped = true;
        if (backslash + 1 === length) {
          this.escapeNext = true;
          return length;
        }
        if (this.lines && chunk[backslash + 1] === LF)
          return this.fail("unfinished", backslash + 1);
        i = backslash + 2;
        continue;
      }

      if (quote === -1) return length;

      if (this.stringIsKey) this.endKey(quote + 1);
      else this.completeValue(quote + 1);
      return quote + 1;
    }

    return i;
  }

  private scanScalar(chunk: Buffer, start: number): number {
    const length = chunk.length;
    let i = start;
    while (i < length && SCALAR_BYTE[chunk[i]!] === 1) i++;
    if (i < length) this.completeValue(i);
    return i;
  }

  private skip(chunk: Buffer, start: number): number {
    if (!this.lines) return chunk.length;

    const newline = this.findNewline(chunk, start);
    if (newline === -1) return chunk.length;
    this.state = BETWEEN;
    return newline + 1;
  }

  /** Marks the current value invalid and skips the rest of it; returns `i` for the caller to go on from. */
  private fail(reason: InvalidReason, i = 0): number {
    this.resetValue();
    this.state = SKIPPING;
    this.onResult({ kind: "invalid", reason });
    return i;
  }

  // A value begins at `i` inside the container at `this.depth`.
  private beginValue(i: number, isObject: boolean): void {
    if (this.depth === 1 && this.topIsObject) this.beginMember(i, isObject);
    else if (this.depth === 2 && this.memberMode === MEMBERS)
      this.beginSubMember(i);
  }

  // A value ended just before `end`; `this.depth` is again the container it sits in.
  private completeValue(end: number): void {
    if (this.depth === 1 && this.topIsObject) this.endMember(end);
    else if (this.depth === 2 && this.memberMode === MEMBERS)
      this.endSubMember(end);
    if (this.state === SKIPPING) return;

    if (this.depth > 0) {
      this.state = AFTER_VALUE;
      return;
    }

    const result: ScanResult = this.topIsObject
      ? { kind: "object", members: this.members, dropped: this.dropped }
      : { kind: "invalid", reason: "not-object" };
    this.resetValue();
    this.state = BETWEEN;
    this.onResult(result);
  }

  private beginMember(i: number, isObject: boolean): void {
    const key = this.memberKey;
    if (key === null || (this.select !== undefined && !this.select.has(key))) {
      this.memberMode = IGNORE;
    } else if (isObject) {
      this.memberMode = MEMBERS;
      this.memberObject = {};
      this.keptBytes += key.length;
    } else {
      this.memberMode = RAW;
      this.memberStart = this.consumed + i;
      this.capture.begin(i, this.captureLimit(key));
    }
  }

  private endMember(end: number): void {
    const key = this.memberKey;
    const mode = this.memberMode;
    this.memberMode = IGNORE;
    this.memberKey = null;
    if (key === null) return;

    if (mode === MEMBERS) {
      this.members[key] = this.memberObject;
    } else if (mode === RAW) {
      this.keepCaptured(this.members, [key], this.memberStart, end);
    }
  }

  private beginSubMember(i: number): void {
    const key = this.subKey;
    if (key === null) {
      this.subMode = IGNORE;
      return;
    }

    this.subMode = RAW;
    this.subStart = this.consumed + i;
    this.capture.begin(i, this.captureLimit(key));
  }

  private endSubMember(end: number): void {
    const key = this.subKey;
    const mode = this.subMode;
    this.subMode = IGNORE;
    this.subKey = null;

    if (key !== null && mode === RAW && this.memberKey !== null) {
      this.keepCaptured(
        this.memberObject,
        [this.memberKey, key],
        this.subStart,
        end,
      );
    }
  }

  /** Parses the captured value into `target`, or records it as dropped when it did not fit. */
  private keepCaptured(
    target: Record<string, unknown>,
    path: readonly [string, ...string[]],
    startOffset: number,
    end: number,
  ): void {
    const bytes = this.consumed + end - startOffset;
    const capture = this.capture;
    const key = path[path.length - 1]!;

    if (!capture.end(this.chunk, end)) {
      if (this.dropped.length < MAX_DROPPED) this.dropped.push({ path, bytes });
      return;
    }

    const value = decodeValue(
      capture.bytes,
      capture.start,
      capture.stop,
      this.stringEscaped,
    );
    if (value === undefined) {
      this.fail("syntax");
      return;
    }
    target[key] = value;
    this.keptBytes += key.length + bytes;
  }

  /** Largest value that still fits both the per-value cap and the budget left. */
  private captureLimit(key: string): number {
    const left = this.budgetBytes - this.keptBytes - key.length;
    return Math.max(0, Math.min(this.maxValueBytes, left));
  }

  private resetValue(): void {
    this.depth = 0;
    this.topIsObject = false;
    this.members = {};
    this.dropped = [];
    this.keptBytes = 0;
    this.keyLevel = 0;
    this.memberKey = null;
    this.memberMode = IGNORE;
    this.subKey = null;
    this.subMode = IGNORE;
    this.escapeNext = false;
    this.capture.cancel();
  }

  private findQuote(chunk: Buffer, from: number): number {
    if (this.quoteAt < from && this.quoteAt !== -1)
      this.quoteAt = chunk.indexOf(QUOTE, from);
    return this.quoteAt;
  }

  private findBackslash(chunk: Buffer, from: number): number {
    if (this.backslashAt < from && this.backslashAt !== -1) {
      this.backslashAt = chunk.indexOf(BACKSLASH, from);
    }
    return this.backslashAt;
  }

  private findNewline(chunk: Buffer, from: number): number {
    if (this.newlineAt < from && this.newlineAt !== -1)
      this.newlineAt = chunk.indexOf(LF, from);
    return this.newlineAt;
  }
}

/**
 * Decodes the raw JSON value in `bytes[start, stop)`; undefined when it is
 * not valid JSON. A string without escapes is sliced directly, which is much
 * faster than `JSON.parse` for the many short strings of a stream. `escaped`
 * only matters when the value is a string.
 */
function decodeValue(
  bytes: Buffer,
  start: number,
  stop: number,
  escaped: boolean,
): unknown {
  if (bytes[start] === QUOTE && !escaped)
    return bytes.toString("utf8", start + 1, stop - 1);

  try {
    return JSON.parse(bytes.toString("utf8", start, stop)) as unknown;
  } catch {
    return undefined;
  }
}

function byteTable(characters: string): Uint8Array {
  const table = new Uint8Array(256);
  for (let i = 0; i < characters.length; i++)
    table[characters.charCodeAt(i)] = 1;
  return table;
}
