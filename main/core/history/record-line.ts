import type { RequestRecord } from "../record.js";

type FieldCheck = (value: unknown) => boolean;

const isString: FieldCheck = (value) => typeof value === "string";
const isBoolean: FieldCheck = (value) => typeof value === "boolean";
const isStringOrNull: FieldCheck = (value) =>
  value === null || typeof value === "string";
const isNumberOrNull: FieldCheck = (value) =>
  value === null || (typeof value === "number" && Number.isFinite(value));
const isIntegerOrNull: FieldCheck = (value) =>
  value === null || Number.isInteger(value);
/**
 * ISO 8601 date and time as `Date.toISOString` writes it, or with an offset.
 * On Node 20 this test ran about ten times faster than `Date.parse`, which
 * matters when loading 100,000 lines.
 */
const ISO_TIME =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;
const isTime: FieldCheck = (value) =>
  typeof value === "string" && ISO_TIME.test(value);

function isOneOf(...allowed: readonly unknown[]): FieldCheck {
  return (value) => allowed.includes(value);
}

/**
 * The check for each `RequestRecord` field. The type makes the compiler
 * reject a missing or unknown key, so a field added to `RequestRecord`
 * must be added here before it is written to or read from history.
 */
const FIELD_CHECKS: { readonly [K in keyof RequestRecord]-?: FieldCheck } = {
  id: isString,
  startedAt: isTime,
  endedAt: isTime,
  method: isString,
  path: isString,
  api: isOneOf("ollama", "openai", "anthropic"),
  endpoint: isString,
  upstream: isString,
  model: isStringOrNull,
  status: isIntegerOrNull,
  outcome: isOneOf("ok", "error", "aborted", "upstream_error"),
  error: isStringOrNull,
  streamed: isBoolean,
  promptTokens: isNumberOrNull,
  outputTokens: isNumberOrNull,
  estimated: isBoolean,
  tokensPerSecond: isNumberOrNull,
  rateSource: isOneOf("server", "stream", "wall", null),
  ttftMs: isNumberOrNull,
  totalMs: isNumberOrNull,
  loadMs: isNumberOrNull,
  promptEvalMs: isNumberOrNull,
  evalMs: isNumberOrNull,
  doneReason: isStringOrNull,
};

/** The fields written for each record, in file order. Nothing else of a record object reaches the file. */
export const RECORD_FIELDS = Object.keys(
  FIELD_CHECKS,
) as readonly (keyof RequestRecord)[];

/**
 * Formats one history line, without the newline, from the `RequestRecord`
 * fields only, so properties added to the object at run time (prompt or
 * completion text, for example) are never written.
 */
export function formatRecordLine(record: RequestRecord): string {
  // An array replacer makes JSON.stringify write only the listed keys, in list order.
  return JSON.stringify(record, RECORD_FIELDS as string[]);
}

/**
 * Parses one history line. Returns null for invalid JSON and for any value
 * that is not an object with every `RequestRecord` field of the right type.
 * Unknown properties are dropped.
 */
export function parseRecordLine(line: string): RequestRecord | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }

  if (typeof value !== "object" || value === null || Array.isArray(value))
    return null;

  const source = value as Record<string, unknown>;
  for (const field of RECORD_FIELDS)
    if (!FIELD_CHECKS[field](source[field])) return null;

  // Every field is present, so an equal key count means no unknown keys.
  // Returning the parsed object then avoids a copy, which would double the
  // cost of loading a large file.
  if (Object.keys(source).length === RECORD_FIELDS.length)
    return source as unknown as RequestRecord;

  const record: Record<string, unknown> = {};
  for (const field of RECORD_FIELDS) record[field] = source[field];
  return record as unknown as RequestRecord;
}
