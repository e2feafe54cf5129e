import type { Endpoint } from "./types.js";

/** Framing of a response body's JSON values: SSE events, NDJSON lines, or one JSON document. */
export type Framing = "sse" | "lines" | "document";

/** Media types by `Content-Type` value. A server sends the same few values, and every response reads one. */
const mediaTypes = new Map<string, string | null>();
const MAX_CACHED_MEDIA_TYPES = 64;

/** Returns the lowercased media type of a `Content-Type` value, without parameters. */
export function mediaTypeOf(contentType: string | null): string | null {
  if (contentType === null) return null;

  const known = mediaTypes.get(contentType);
  if (known !== undefined) return known;

  const parsed = contentType.split(";", 1)[0]!.trim().toLowerCase();
  const mediaType = parsed === "" ? null : parsed;
  if (mediaTypes.size >= MAX_CACHED_MEDIA_TYPES) mediaTypes.clear();
  mediaTypes.set(contentType, mediaType);
  return mediaType;
}

/**
 * Chooses the framing from the content type and endpoint, or returns null
 * when the first bytes must decide. Ollama's own endpoints send NDJSON when
 * streaming and one compact object (without a trailing newline) otherwise,
 * and line framing reads both. Other JSON bodies may be pretty-printed over
 * many lines, so they are read as one document.
 */
export function chooseFraming(
  endpoint: Endpoint,
  contentType: string | null,
): Framing | null {
  const mediaType = mediaTypeOf(contentType);
  if (mediaType === "text/event-stream") return "sse";
  if (mediaType === "application/x-ndjson" || mediaType === "application/jsonl")
    return "lines";
  if (endpoint.api === "ollama") return "lines";
  if (mediaType === "application/json" || mediaType?.endsWith("+json"))
    return "document";
  return null;
}

/** Guesses the framing of an unlabelled body from its first non-whitespace byte. */
export function sniffFraming(firstByte: number): Framing {
  const isJson = firstByte === 0x7b || firstByte === 0x5b; // '{' or '['
  return isJson ? "document" : "sse";
}

/** Returns the index of the first byte that is not JSON whitespace, or -1. */
export function skipWhitespace(chunk: Buffer, from = 0): number {
  for (let i = from; i < chunk.length; i++) {
    const byte = chunk[i];
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d)
      return i;
  }
  return -1;
}
