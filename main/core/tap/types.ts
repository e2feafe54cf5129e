import type { ApiKind } from "../record.js";

/** An inference endpoint the tap reads. */
export interface Endpoint {
  api: ApiKind;
  /** Normalised name used in records and metric labels, for example `/v1/chat/completions`. */
  name: string;
  /** The response shape to expect. */
  kind:
    | "ollama-generate"
    | "ollama-chat"
    | "ollama-embed"
    | "openai-chat"
    | "openai-completions"
    | "openai-embeddings"
    | "openai-responses"
    | "anthropic-messages";
}

/** Facts read from the request body. */
export interface RequestFacts {
  model: string | null;
  /** Whether the client asked for a stream, with each API's default applied. */
  stream: boolean;
  /** OpenAI `stream_options.include_usage`. */
  includeUsage: boolean;
}

/**
 * Facts the response tap read off a response. Times are on the
 * `performance.now()` clock in milliseconds, as passed to `push`.
 */
export interface ResponseFacts {
  model: string | null;
  /** True when the body was a stream of events or lines rather than one JSON value. */
  streamed: boolean;
  promptTokens: number | null;
  outputTokens: number | null;
  /** True when `outputTokens` was counted from content chunks because no usage came. */
  estimated: boolean;
  /** Decode rate reported by the server (Ollama eval timings, llama.cpp `timings`, LM Studio `stats`). */
  serverTokensPerSecond: number | null;
  /** Time to first token reported by the server (LM Studio `stats`). */
  serverTtftMs: number | null;
  /** Total duration reported by the server (Ollama `total_duration`). */
  serverTotalMs: number | null;
  loadMs: number | null;
  promptEvalMs: number | null;
  evalMs: number | null;
  doneReason: string | null;
  /** Error message found inside the body, for example an `{"error": …}` line in a 200 stream. */
  error: string | null;
  /** Arrival time of the first chunk that carried any generated text (thinking included). */
  firstTokenAtMs: number | null;
  /** Arrival time of the last chunk that carried generated text. */
  lastTokenAtMs: number | null;
  /** Number of events or lines that carried generated text. */
  tokenChunks: number;
}

/** Reads a request body as it passes, keeping only the small fields. */
export interface RequestTap {
  push(chunk: Buffer): void;
  finish(): RequestFacts;
  /** The prompt text, when the tap was created to capture it; call after `finish`. */
  capturedPrompt(): string | null;
  /** Bytes the tap currently retains between chunks; stays under a small constant. */
  retainedBytes(): number;
}

/** Reads a response body as it passes, keeping only what the record needs. */
export interface ResponseTap {
  /** Feeds one chunk as it arrived; `atMs` is its arrival time on the `performance.now()` clock. */
  push(chunk: Buffer, atMs: number): void;
  /** Ends the body (normally or not) and returns what was read. */
  finish(): ResponseFacts;
  /** The generated text, when the tap was created to capture it; call after `finish`. */
  capturedCompletion(): string | null;
  /** Bytes the tap currently retains between chunks; stays under a small constant. */
  retainedBytes(): number;
}
