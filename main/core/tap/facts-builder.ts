import type { DroppedMember, ScannedObject } from "./json-scanner.js";
import type { ResponseFacts } from "./types.js";

/**
 * Bytes of text per token for estimates from text size, an English-text
 * average. Tokenizers differ, so such counts are marked estimated.
 */
export const ESTIMATED_BYTES_PER_TOKEN = 4;

/** Maximum length of a kept error message, in characters. */
const MAX_ERROR_CHARACTERS = 1000;

/** Reads one top-level JSON object of a response body into facts. */
export interface BodyInterpreter {
  /** Top-level member names the interpreter reads; the scanner skips the others. */
  readonly members: ReadonlySet<string>;
  /** Reads an NDJSON line, an SSE event's data, or the whole body. `eventType` is the SSE `event` field. */
  read(object: ScannedObject, eventType: string | null, atMs: number): void;
  /** Returns the facts read, with estimates filled in where the body gave no counts. */
  finish(streamed: boolean): ResponseFacts;
}

/** Response facts being collected, with the text seen so far for estimates. */
export class FactsBuilder {
  readonly facts: ResponseFacts = {
    model: null,
    streamed: false,
    promptTokens: null,
    outputTokens: null,
    estimated: false,
    serverTokensPerSecond: null,
    serverTtftMs: null,
    serverTotalMs: null,
    loadMs: null,
    promptEvalMs: null,
    evalMs: null,
    doneReason: null,
    error: null,
    firstTokenAtMs: null,
    lastTokenAtMs: null,
    tokenChunks: 0,
  };

  /** UTF-8 bytes of generated text seen (serialized size for text dropped by the scanner). */
  private textBytes = 0;

  /** Counts one event or line that carried `bytes` of generated text. */
  markText(atMs: number, bytes: number): void {
    if (bytes <= 0) return;

    this.facts.tokenChunks++;
    this.facts.firstTokenAtMs ??= atMs;
    this.facts.lastTokenAtMs = atMs;
    this.textBytes += bytes;
  }

  setModel(value: unknown): void {
    if (typeof value === "string" && value !== "") this.facts.model = value;
  }

  /** Keeps the first error message found in the body. */
  setError(message: string): void {
    this.facts.error ??= message.slice(0, MAX_ERROR_CHARACTERS);
  }

  /**
   * Returns the facts. Without an output count, a stream counts its text
   * chunks (one token each) and a single body estimates from its text size,
   * both marked estimated. Embeddings have no output.
   */
  finish(streamed: boolean, hasOutput: boolean): ResponseFacts {
    const facts = { ...this.facts, streamed };
    if (!hasOutput) {
      facts.outputTokens = null;
      return facts;
    }
    if (facts.outputTokens !== null) return facts;

    if (streamed && facts.tokenChunks > 0) {
      facts.outputTokens = facts.tokenChunks;
      facts.estimated = true;
    } else if (!streamed && this.textBytes > 0) {
      facts.outputTokens = Math.max(
        1,
        Math.round(this.textBytes / ESTIMATED_BYTES_PER_TOKEN),
      );
      facts.estimated = true;
    }
    return facts;
  }
}

/** Returns a finite, non-negative number, or null for anything else. */
export function readCount(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) && value >= 0
    ? value
    : null;
}

/** Returns a plain object, or null for arrays, null and other values. */
export function readObject(value: unknown): Record<string, unknown> | null {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

/** Returns UTF-8 bytes of a string value, 0 for anything else. */
export function textBytesOf(value: unknown): number {
  return typeof value === "string" ? Buffer.byteLength(value) : 0;
}

/** Returns the serialized size of a member the scanner dropped at `path`, 0 when it was not dropped. */
export function droppedBytesAt(
  dropped: readonly DroppedMember[],
  ...path: string[]
): number {
  for (const member of dropped) {
    if (
      member.path.length === path.length &&
      member.path.every((name, i) => name === path[i])
    ) {
      return member.bytes;
    }
  }
  return 0;
}

/**
 * Returns an error message from an `error` member: a string, or an object
 * with a `message` (OpenAI, Anthropic, llama.cpp). Null when there is none.
 */
export function readErrorMessage(object: ScannedObject): string | null {
  const error = object.members["error"];
  if (typeof error === "string" && error !== "") return error;

  const message = readObject(error)?.["message"];
  if (typeof message === "string" && message !== "") return message;

  const dropped =
    droppedBytesAt(object.dropped, "error") ||
    droppedBytesAt(object.dropped, "error", "message");
  return dropped > 0
    ? `error message of ${dropped} bytes, too long to keep`
    : null;
}

/** Returns true when every number in a usage block is 0, as some servers send before the real counts. */
export function isZeroUsage(usage: Record<string, unknown>): boolean {
  return Object.values(usage).every(
    (value) => typeof value !== "number" || value === 0,
  );
}
