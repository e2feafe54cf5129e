import { MemberCollector } from "./member-collector.js";
import type { ScannedObject } from "./member-collector.js";

export type { DroppedMember, ScannedObject } from "./member-collector.js";

/**
 * Framing of the top-level values: `lines` is NDJSON, where a line feed
 * always ends the current value, and `document` is a JSON body, where line
 * feeds are whitespace.
 */
export type ScanMode = "lines" | "document";

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

/** Maximum nesting of objects and arrays the scanner reads, the top-level value included. Deeper input is a syntax error. */
export const MAX_DEPTH = 512;
const INITIAL_DEPTH_SLOTS = 16;
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
const LINE_END = 10; // in lines mode, after a top-level value: only whitespace may follow

const OBJECT = 1;
const ARRAY = 2;

const SCALAR_START = byteTable("0123456789-tfn");
const SCALAR_BYTE = byteTable(
  "0123456789+-.abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
);

/**
 * Scans a stream of JSON values fed as Buffer chunks, keeping only the small
 * members of each top-level object and one level inside its object members.
 * Memory stays within the capture budget whatever the size of the values.
 * String contents are skipped with `Buffer.indexOf`. A kept member is
 * decoded from its raw bytes once complete, so UTF-8 and escapes split
 * across chunks come out whole. Members that are skipped or dropped are
 * only checked for structure (brackets, strings and separators), not full
 * JSON grammar.
 */
export class JsonScanner {
  private readonly lines: boolean;
  private readonly onResult: (result: ScanResult) => void;
  private readonly collector: MemberCollector;

  private state = BETWEEN;
  private depth = 0;
  /** Kind of each open container by depth. It grows as values nest, because most JSON is shallow. */
  private containers = new Uint8Array(INITIAL_DEPTH_SLOTS);
  private stringIsKey = false;
  /** Whether the current string contains an escape, so decoding it needs `JSON.parse`. */
  private stringEscaped = false;
  private escapeNext = false;
  /** Level of the key being read: 1 for the top-level object's, 2 inside an object member, 0 deeper. */
  private keyLevel: 0 | 1 | 2 = 0;
  private chunk: Buffer = EMPTY;
  /** Bytes pushed before the current chunk. */
  private consumed = 0;

  // Positions of the next quote, backslash and line feed in the current chunk, or -2 before the first search.
  private quoteAt = -2;
  private backslashAt = -2;
  private newlineAt = -2;

  private topIsObject = false;
  /** In lines mode, a complete top-level value that is no object, reported when its line ends. */
  private pendingNotObject = false;

  constructor(options: JsonScannerOptions) {
    this.lines = options.mode === "lines";
    this.onResult = options.onResult;
    this.collector = new MemberCollector({
      maxValueBytes: options.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES,
      budgetBytes: options.captureBudgetBytes ?? DEFAULT_CAPTURE_BUDGET_BYTES,
      select: options.select,
    });
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

    this.collector.carry(chunk, length);
    this.consumed += length;
    this.chunk = EMPTY;
  }

  /** Ends the input, reporting a value still open as unfinished (or, for a top-level number or literal, as complete). */
  end(): void {
    if (this.state === IN_SCALAR && this.depth === 0) this.completeValue(0);

    if (this.state === LINE_END) {
      this.endLine();
    } else if (this.state !== BETWEEN && this.state !== SKIPPING) {
      this.fail("unfinished");
    }

    this.resetValue();
    this.state = BETWEEN;
  }

  /** Bytes held for the value being scanned: kept members plus the member being captured. */
  retainedBytes(): number {
    return this.collector.retainedBytes();
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
        if (this.state === LINE_END) {
          this.endLine();
        } else if (this.lines && this.state !== BETWEEN) {
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
      case LINE_END:
        return this.rejectLineRest(i);
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
      if (this.depth === this.containers.length) this.growContainers();
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

  private growContainers(): void {
    const grown = new Uint8Array(
      Math.min(this.containers.length * 2, MAX_DEPTH + 1),
    );
    grown.set(this.containers);
    this.containers = grown;
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
    else if (this.depth === 2 && this.collector.collectsSubMembers())
      this.keyLevel = 2;
    else this.keyLevel = 0;

    if (this.keyLevel !== 0) this.collector.beginKey(i);
    return i + 1;
  }

  private endKey(end: number): void {
    this.state = COLON_NEXT;
    if (this.keyLevel === 0) return;

    if (
      !this.collector.endKey(this.keyLevel, this.chunk, end, this.stringEscaped)
    ) {
      this.fail("syntax");
    }
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

  /** Marks the current value invalid and skips the rest of it. Returns `i`, where the caller goes on. */
  private fail(reason: InvalidReason, i = 0): number {
    this.resetValue();
    this.state = SKIPPING;
    this.onResult({ kind: "invalid", reason });
    return i;
  }

  // A value begins at `i` inside the container at `this.depth`.
  private beginValue(i: number, isObject: boolean): void {
    const offset = this.consumed + i;
    if (this.depth === 1 && this.topIsObject) {
      this.collector.beginMember(i, offset, isObject);
    } else if (this.depth === 2 && this.collector.collectsSubMembers()) {
      this.collector.beginSubMember(i, offset);
    }
  }

  // A value ended just before `end`, and `this.depth` is again the container it sits in.
  private completeValue(end: number): void {
    if (!this.collectValue(end)) {
      this.fail("syntax");
      return;
    }

    if (this.depth > 0) {
      this.state = AFTER_VALUE;
      return;
    }

    const result: ScanResult = this.topIsObject
      ? this.collector.take()
      : { kind: "invalid", reason: "not-object" };
    this.resetValue();
    this.state = this.lines ? LINE_END : BETWEEN;

    // A line contains one value, so a line such as `null` is reported once it ends.
    if (this.lines && result.kind === "invalid") this.pendingNotObject = true;
    else this.onResult(result);
  }

  private collectValue(end: number): boolean {
    const offset = this.consumed + end;
    const escaped = this.stringEscaped;
    if (this.depth === 1 && this.topIsObject) {
      return this.collector.endMember(this.chunk, end, offset, escaped);
    }
    if (this.depth === 2 && this.collector.collectsSubMembers()) {
      return this.collector.endSubMember(this.chunk, end, offset, escaped);
    }
    return true;
  }

  private endLine(): void {
    this.state = BETWEEN;
    if (!this.pendingNotObject) return;

    this.pendingNotObject = false;
    this.onResult({ kind: "invalid", reason: "not-object" });
  }

  /**
   * Handles more bytes on a line after its value. An object was read whole,
   * so the rest is skipped, but after any other value the line is invalid.
   */
  private rejectLineRest(i: number): number {
    if (this.pendingNotObject) return this.fail("syntax", i);

    this.state = SKIPPING;
    return i;
  }

  private resetValue(): void {
    this.depth = 0;
    this.topIsObject = false;
    this.pendingNotObject = false;
    this.keyLevel = 0;
    this.escapeNext = false;
    this.collector.reset();
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

function byteTable(characters: string): Uint8Array {
  const table = new Uint8Array(256);
  for (let i = 0; i < characters.length; i++)
    table[characters.charCodeAt(i)] = 1;
  return table;
}
