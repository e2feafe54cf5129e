import { MAX_DEPTH } from "./json-scanner.js";
import type { ScannedObject } from "./member-collector.js";

const LF = 0x0a;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;

/**
 * Maximum key length, in UTF-16 code units, read here rather than by the
 * scanner. The scanner skips keys over 256 bytes as written, quotes and
 * escapes included, and a key of 42 units takes at most 6 bytes a unit plus
 * its quotes, 254 bytes. A body with a longer key is left to the scanner.
 */
const MAX_KEY_LENGTH = 42;

/** Options of {@link readSmallObject}. */
export interface SmallObjectOptions {
  /** Top-level member names to keep, as the scanner's `select`; all when omitted. */
  select?: ReadonlySet<string>;
  /** Whether the body is NDJSON, where a line feed inside the value makes it invalid. */
  lines: boolean;
}

/**
 * Reads a whole body that contains one JSON object with `JSON.parse`, which
 * costs a fraction of a byte-by-byte scan. It returns exactly what
 * `JsonScanner` reports for the same bytes when the body is no larger than
 * the scanner's per-value cap and capture budget, because then no member
 * can be dropped. The caller checks that size and that the bytes are the
 * whole body. Returns null when the bytes are not one JSON object, in lines
 * mode contain a line feed before the end, have a key longer than
 * `MAX_KEY_LENGTH` or may nest deeper than the scanner reads, so that the
 * caller scans them.
 */
export function readSmallObject(
  body: Buffer,
  options: SmallObjectOptions,
): ScannedObject | null {
  if (options.lines && hasLineFeedBeforeEnd(body)) return null;
  if (mayNestDeeperThanScanner(body)) return null;

  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    return null;
  }
  if (!isPlainObject(parsed)) return null;

  const members: Record<string, unknown> = {};
  for (const key of Object.keys(parsed)) {
    if (key.length > MAX_KEY_LENGTH) return null;
    // The scanner skips `__proto__` so that a member cannot replace a kept object's prototype.
    if (key === "__proto__") continue;
    if (options.select !== undefined && !options.select.has(key)) continue;

    const value = parsed[key];
    if (!isPlainObject(value)) {
      members[key] = value;
      continue;
    }

    const subMembers = keptMembers(value);
    if (subMembers === null) return null;
    members[key] = subMembers;
  }
  return { kind: "object", members, dropped: [] };
}

/** Returns whether a line feed comes before the last byte that is not whitespace. */
function hasLineFeedBeforeEnd(body: Buffer): boolean {
  const lineFeed = body.indexOf(LF);
  if (lineFeed === -1) return false;

  for (let i = lineFeed; i < body.length; i++) {
    const byte = body[i];
    if (byte !== 0x20 && byte !== 0x09 && byte !== LF && byte !== 0x0d)
      return true;
  }
  return false;
}

/**
 * Returns whether the body has as many opening brackets as the scanner's
 * depth limit, counted anywhere, strings included. Fewer cannot nest that
 * deep, and most bodies have a handful.
 */
function mayNestDeeperThanScanner(body: Buffer): boolean {
  let opened = 0;
  for (const bracket of [OPEN_BRACE, OPEN_BRACKET]) {
    for (
      let at = body.indexOf(bracket);
      at !== -1;
      at = body.indexOf(bracket, at + 1)
    ) {
      if (++opened > MAX_DEPTH) return true;
    }
  }
  return false;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Returns the members of an object member as the scanner keeps them,
 * without a `__proto__` key, or null when a key is too long to read here.
 */
function keptMembers(
  value: Record<string, unknown>,
): Record<string, unknown> | null {
  const keys = Object.keys(value);
  if (keys.some((key) => key.length > MAX_KEY_LENGTH)) return null;
  if (!Object.hasOwn(value, "__proto__")) return value;

  const copy: Record<string, unknown> = {};
  for (const key of keys) {
    if (key !== "__proto__") copy[key] = value[key];
  }
  return copy;
}
