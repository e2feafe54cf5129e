import { ByteCapture } from "./byte-capture.js";

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

/** Limits of a {@link MemberCollector}. */
export interface MemberLimits {
  maxValueBytes: number;
  budgetBytes: number;
  select: ReadonlySet<string> | undefined;
}

// Longer keys are never among the members a tap reads, so such members are skipped.
const MAX_KEY_BYTES = 256;
const MAX_DROPPED = 16;
const QUOTE = 0x22;

// Handling of a member's value.
const IGNORE = 0; // not selected, or its key was too long
const RAW = 1; // bytes captured, parsed when complete
const MEMBERS = 2; // an object member whose own members are captured one by one

/**
 * Keeps the members of one top-level object as a scanner reports their
 * keys and values: level 1 is the object's own members, level 2 the members
 * of a member that is an object. Values are captured raw and parsed when
 * complete, within a per-value cap and a budget for the whole object.
 * Positions are indexes into the chunk being scanned; offsets count bytes
 * from the start of the stream. Methods that decode return false when the
 * bytes are not valid JSON.
 */
export class MemberCollector {
  private readonly limits: MemberLimits;
  private readonly capture: ByteCapture;
  private readonly selected: SelectedNames | null;

  private members: Record<string, unknown> = {};
  private dropped: DroppedMember[] = [];
  private keptBytes = 0;

  private memberKey: string | null = null;
  private memberMode = IGNORE;
  private memberStart = 0;
  private memberObject: Record<string, unknown> = {};
  private subKey: string | null = null;
  private subMode = IGNORE;
  private subStart = 0;

  constructor(limits: MemberLimits) {
    this.limits = limits;
    this.selected = limits.select ? selectedNames(limits.select) : null;
    this.capture = new ByteCapture(
      Math.max(limits.maxValueBytes, MAX_KEY_BYTES),
    );
  }

  /** Returns whether the current member is an object whose members are kept. */
  collectsSubMembers(): boolean {
    return this.memberMode === MEMBERS;
  }

  /** Starts capturing a key whose opening quote is at position `i`. */
  beginKey(i: number): void {
    this.capture.begin(i, MAX_KEY_BYTES);
  }

  /** Ends a level-1 or level-2 key just before position `end`. */
  endKey(level: 1 | 2, chunk: Buffer, end: number, escaped: boolean): boolean {
    const capture = this.capture;
    let key: string | null = null;

    if (level === 1 && this.selected !== null && !escaped) {
      // Most top-level keys are not selected, so their raw bytes are matched instead of decoded.
      if (capture.end(chunk, end)) {
        key = this.selected.match(
          capture.bytes,
          capture.start + 1,
          capture.stop - 1,
        );
      }
    } else if (capture.end(chunk, end)) {
      const decoded = decodeValue(
        capture.bytes,
        capture.start,
        capture.stop,
        escaped,
      );
      if (typeof decoded !== "string") return false;
      // Skipped so that a member cannot replace a kept object's prototype.
      key = decoded === "__proto__" ? null : decoded;
    }

    if (level === 1) this.memberKey = key;
    else this.subKey = key;
    return true;
  }

  /** Starts the value of the current level-1 member at position `i`, stream offset `offset`. */
  beginMember(i: number, offset: number, isObject: boolean): void {
    const key = this.memberKey;
    const select = this.limits.select;

    if (key === null || (select !== undefined && !select.has(key))) {
      this.memberMode = IGNORE;
    } else if (isObject) {
      this.memberMode = MEMBERS;
      this.memberObject = {};
      this.keptBytes += key.length;
    } else {
      this.memberMode = RAW;
      this.memberStart = offset;
      this.capture.begin(i, this.captureLimit(key));
    }
  }

  /** Ends the value of the current level-1 member just before position `end`, stream offset `offset`. */
  endMember(
    chunk: Buffer,
    end: number,
    offset: number,
    escaped: boolean,
  ): boolean {
    const key = this.memberKey;
    const mode = this.memberMode;
    this.memberMode = IGNORE;
    this.memberKey = null;

    if (key === null || mode === IGNORE) return true;
    if (mode === MEMBERS) {
      this.members[key] = this.memberObject;
      return true;
    }

    const bytes = offset - this.memberStart;
    return this.keepCaptured(this.members, [key], bytes, chunk, end, escaped);
  }

  /** Starts the value of the current level-2 member at position `i`, stream offset `offset`. */
  beginSubMember(i: number, offset: number): void {
    const key = this.subKey;
    if (key === null) {
      this.subMode = IGNORE;
      return;
    }

    this.subMode = RAW;
    this.subStart = offset;
    this.capture.begin(i, this.captureLimit(key));
  }

  /** Ends the value of the current level-2 member just before position `end`, stream offset `offset`. */
  endSubMember(
    chunk: Buffer,
    end: number,
    offset: number,
    escaped: boolean,
  ): boolean {
    const key = this.subKey;
    const mode = this.subMode;
    this.subMode = IGNORE;
    this.subKey = null;

    if (key === null || mode !== RAW || this.memberKey === null) return true;
    const path = [this.memberKey, key] as const;
    const bytes = offset - this.subStart;
    return this.keepCaptured(
      this.memberObject,
      path,
      bytes,
      chunk,
      end,
      escaped,
    );
  }

  /** Copies the part of a capture in progress out of a chunk that ends at `length`. */
  carry(chunk: Buffer, length: number): void {
    this.capture.carry(chunk, length);
  }

  /** Returns the object collected so far and starts a new one. */
  take(): ScannedObject {
    const object: ScannedObject = {
      kind: "object",
      members: this.members,
      dropped: this.dropped,
    };
    this.reset();
    return object;
  }

  /** Drops everything collected for the current object. */
  reset(): void {
    this.members = {};
    this.dropped = [];
    this.keptBytes = 0;
    this.memberKey = null;
    this.memberMode = IGNORE;
    this.subKey = null;
    this.subMode = IGNORE;
    this.capture.cancel();
  }

  /** Bytes held: kept members plus the value or key being captured. */
  retainedBytes(): number {
    return this.keptBytes + this.capture.length();
  }

  /** Parses the captured value into `target`, or records it as dropped when it did not fit. */
  private keepCaptured(
    target: Record<string, unknown>,
    path: readonly [string, ...string[]],
    bytes: number,
    chunk: Buffer,
    end: number,
    escaped: boolean,
  ): boolean {
    const capture = this.capture;
    const key = path[path.length - 1]!;

    if (!capture.end(chunk, end)) {
      if (this.dropped.length < MAX_DROPPED) this.dropped.push({ path, bytes });
      return true;
    }

    const value = decodeValue(
      capture.bytes,
      capture.start,
      capture.stop,
      escaped,
    );
    if (value === undefined) return false;

    target[key] = value;
    this.keptBytes += key.length + bytes;
    return true;
  }

  /** Largest value that still fits both the per-value cap and the budget left. */
  private captureLimit(key: string): number {
    const left = this.limits.budgetBytes - this.keptBytes - key.length;
    return Math.max(0, Math.min(this.limits.maxValueBytes, left));
  }
}

/** Member names a collector keeps, indexed by UTF-8 length for matching raw key bytes. */
interface SelectedNames {
  /** Returns the name whose UTF-8 bytes are `bytes[start, stop)`, or null when none is. */
  match(bytes: Buffer, start: number, stop: number): string | null;
}

/** Index of each select set, built once, because taps pass the same few constant sets. */
const selectedIndexes = new WeakMap<ReadonlySet<string>, SelectedNames>();

function selectedNames(select: ReadonlySet<string>): SelectedNames {
  const known = selectedIndexes.get(select);
  if (known) return known;

  const byLength = new Map<number, { name: string; bytes: Buffer }[]>();
  for (const name of select) {
    const bytes = Buffer.from(name, "utf8");
    const sameLength = byLength.get(bytes.length) ?? [];
    sameLength.push({ name, bytes });
    byLength.set(bytes.length, sameLength);
  }

  const index: SelectedNames = {
    match(bytes, start, stop) {
      for (const candidate of byLength.get(stop - start) ?? []) {
        if (bytesEqual(candidate.bytes, bytes, start)) return candidate.name;
      }
      return null;
    },
  };
  selectedIndexes.set(select, index);
  return index;
}

function bytesEqual(expected: Buffer, bytes: Buffer, start: number): boolean {
  for (let i = 0; i < expected.length; i++) {
    if (bytes[start + i] !== expected[i]) return false;
  }
  return true;
}

const MINUS = 0x2d;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
/** Maximum digits of an integer decoded digit by digit, since every integer of 15 digits is exact in a double. */
const MAX_FAST_DIGITS = 15;
const TRUE = Buffer.from("true");
const FALSE = Buffer.from("false");
const NULL = Buffer.from("null");

/**
 * Decodes the raw JSON value in `bytes[start, stop)`; undefined when it is
 * not valid JSON. A string without escapes is sliced directly, which is much
 * faster than `JSON.parse` for the many short strings of a stream, and short
 * integers and literals are read from the bytes without making a string.
 * `escaped` only matters when the value is a string.
 */
function decodeValue(
  bytes: Buffer,
  start: number,
  stop: number,
  escaped: boolean,
): unknown {
  const first = bytes[start];
  if (first === QUOTE && !escaped)
    return bytes.toString("utf8", start + 1, stop - 1);

  const integer = decodeInteger(bytes, start, stop);
  if (integer !== null) return integer;

  const length = stop - start;
  if (length === 4 && bytesEqual(TRUE, bytes, start)) return true;
  if (length === 5 && bytesEqual(FALSE, bytes, start)) return false;
  if (length === 4 && bytesEqual(NULL, bytes, start)) return null;

  try {
    return JSON.parse(bytes.toString("utf8", start, stop)) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Returns the integer in `bytes[start, stop)` when it is a JSON integer of
 * at most 15 digits, or null for anything else, including what only
 * `JSON.parse` can judge: fractions, exponents, leading zeros, long numbers.
 */
function decodeInteger(
  bytes: Buffer,
  start: number,
  stop: number,
): number | null {
  const negative = bytes[start] === MINUS;
  const digitsStart = negative ? start + 1 : start;
  const digits = stop - digitsStart;
  if (digits < 1 || digits > MAX_FAST_DIGITS) return null;
  if (digits > 1 && bytes[digitsStart] === DIGIT_0) return null;

  let value = 0;
  for (let i = digitsStart; i < stop; i++) {
    const byte = bytes[i]!;
    if (byte < DIGIT_0 || byte > DIGIT_9) return null;
    value = value * 10 + (byte - DIGIT_0);
  }
  return negative ? -value : value;
}
