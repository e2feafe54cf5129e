import { readFileSync } from "node:fs";
import type { ResponseFacts } from "../../../main/core/tap/types.js";

/** Response facts a fixture must give, less the arrival times, which depend on how it is fed. */
export type ExpectedFacts = Omit<
  ResponseFacts,
  "firstTokenAtMs" | "lastTokenAtMs"
>;

/** A response body recorded in the shape a real server sends, with what a tap must read from it. */
export interface WireFixture {
  /** File name under `test/data/wire/`. */
  file: string;
  method: "POST";
  path: string;
  /** The `Content-Type` the server sends with this body. */
  contentType: string;
  /** A request body that requests this kind of response. */
  request: Record<string, unknown>;
  expected: ExpectedFacts;
  /**
   * Position, from 0, of the first and last NDJSON line or SSE event with
   * data that carries generated text; null when none does. Comment-only SSE
   * blocks are not counted.
   */
  firstTextIndex: number | null;
  lastTextIndex: number | null;
  /**
   * Absolute tolerance for `serverTokensPerSecond`. llama.cpp's expected
   * 35.41 is rounded to two decimals, while the tap computes
   * `predicted_n / predicted_ms` = 35.4124; every other number is exact to
   * a relative 1e-9.
   */
  rateTolerance?: number;
}

const NO_TIMINGS = {
  serverTokensPerSecond: null,
  serverTtftMs: null,
  serverTotalMs: null,
  loadMs: null,
  promptEvalMs: null,
  evalMs: null,
} as const;

const NDJSON = "application/x-ndjson";
const JSON_TYPE = "application/json; charset=utf-8";
const SSE = "text/event-stream";

/** Every recorded wire body, with its expected facts. */
export const WIRE_FIXTURES: readonly WireFixture[] = [
  {
    file: "ollama-generate-stream.ndjson",
    method: "POST",
    path: "/api/generate",
    contentType: NDJSON,
    request: { model: "llama3.2:3b", prompt: "Why is the sky blue?" },
    expected: {
      model: "llama3.2:3b",
      streamed: true,
      promptTokens: 26,
      outputTokens: 6,
      estimated: false,
      serverTokensPerSecond: 50,
      serverTtftMs: null,
      serverTotalMs: 1843,
      loadMs: 512,
      promptEvalMs: 131,
      evalMs: 120,
      doneReason: "stop",
      error: null,
      tokenChunks: 6,
    },
    firstTextIndex: 0,
    lastTextIndex: 5,
  },
  {
    file: "ollama-chat-stream-thinking.ndjson",
    method: "POST",
    path: "/api/chat",
    contentType: NDJSON,
    request: {
      model: "qwen3:8b",
      messages: [{ role: "user", content: "Hi" }],
      think: true,
    },
    expected: {
      model: "qwen3:8b",
      streamed: true,
      promptTokens: 18,
      outputTokens: 250,
      estimated: false,
      serverTokensPerSecond: 125,
      serverTtftMs: null,
      serverTotalMs: 2250,
      loadMs: 45,
      promptEvalMs: 205,
      evalMs: 2000,
      doneReason: "stop",
      error: null,
      tokenChunks: 7,
    },
    firstTextIndex: 0,
    lastTextIndex: 6,
  },
  {
    file: "ollama-chat-nostream.json",
    method: "POST",
    path: "/api/chat",
    contentType: JSON_TYPE,
    request: {
      model: "llama3.2:3b",
      messages: [{ role: "user", content: "Why is the sky blue?" }],
      stream: false,
    },
    expected: {
      model: "llama3.2:3b",
      streamed: false,
      promptTokens: 31,
      outputTokens: 5,
      estimated: false,
      serverTokensPerSecond: 62.5,
      serverTtftMs: null,
      serverTotalMs: 950,
      loadMs: 3,
      promptEvalMs: 47,
      evalMs: 80,
      doneReason: "stop",
      error: null,
      tokenChunks: 1,
    },
    firstTextIndex: 0,
    lastTextIndex: 0,
  },
  {
    file: "ollama-generate-stream-error.ndjson",
    method: "POST",
    path: "/api/generate",
    contentType: NDJSON,
    request: { model: "mistral:7b", prompt: "Tell me a story" },
    expected: {
      ...NO_TIMINGS,
      model: "mistral:7b",
      streamed: true,
      promptTokens: null,
      // No final counts came, so the two text lines are counted as tokens.
      outputTokens: 2,
      estimated: true,
      doneReason: null,
      error:
        "model runner has unexpectedly stopped, this may be due to resource limitations",
      tokenChunks: 2,
    },
    firstTextIndex: 0,
    lastTextIndex: 1,
  },
  {
    file: "ollama-generate-load-only.ndjson",
    method: "POST",
    path: "/api/generate",
    contentType: NDJSON,
    request: { model: "llama3.2:3b", prompt: "" },
    expected: {
      ...NO_TIMINGS,
      model: "llama3.2:3b",
      streamed: true,
      promptTokens: null,
      outputTokens: null,
      estimated: false,
      doneReason: "load",
      error: null,
      tokenChunks: 0,
    },
    firstTextIndex: null,
    lastTextIndex: null,
  },
  {
    file: "ollama-chat-cached-prompt.ndjson",
    method: "POST",
    path: "/api/chat",
    contentType: NDJSON,
    request: {
      model: "llama3.2:3b",
      messages: [{ role: "user", content: "Is it blue?" }],
    },
    expected: {
      model: "llama3.2:3b",
      streamed: true,
      promptTokens: null,
      outputTokens: 10,
      estimated: false,
      serverTokensPerSecond: 20,
      serverTtftMs: null,
      serverTotalMs: 610,
      loadMs: null,
      promptEvalMs: null,
      evalMs: 500,
      doneReason: "stop",
      error: null,
      tokenChunks: 1,
    },
    firstTextIndex: 0,
    lastTextIndex: 0,
  },
  {
    file: "ollama-embed.json",
    method: "POST",
    path: "/api/embed",
    contentType: JSON_TYPE,
    request: { model: "nomic-embed-text", input: "The sky is blue" },
    expected: {
      ...NO_TIMINGS,
      model: "nomic-embed-text",
      streamed: false,
      promptTokens: 8,
      outputTokens: null,
      estimated: false,
      serverTotalMs: 14.1,
      loadMs: 1.02,
      doneReason: null,
      error: null,
      tokenChunks: 0,
    },
    firstTextIndex: null,
    lastTextIndex: null,
  },
  {
    file: "openai-chat-stream-usage.sse",
    method: "POST",
    path: "/v1/chat/completions",
    contentType: SSE,
    request: {
      model: "llama3.2:3b",
      messages: [{ role: "user", content: "Why is the sky blue?" }],
      stream: true,
      stream_options: { include_usage: true },
    },
    expected: {
      ...NO_TIMINGS,
      model: "llama3.2:3b",
      streamed: true,
      promptTokens: 21,
      outputTokens: 4,
      estimated: false,
      doneReason: "stop",
      error: null,
      tokenChunks: 4,
    },
    firstTextIndex: 0,
    lastTextIndex: 3,
  },
  {
    file: "openai-chat-stream-nousage.sse",
    method: "POST",
    path: "/v1/chat/completions",
    contentType: SSE,
    request: {
      model: "llama3.2:3b",
      messages: [{ role: "user", content: "Why is the sky blue?" }],
      stream: true,
    },
    expected: {
      ...NO_TIMINGS,
      model: "llama3.2:3b",
      streamed: true,
      promptTokens: null,
      outputTokens: 4,
      estimated: true,
      doneReason: "stop",
      error: null,
      tokenChunks: 4,
    },
    firstTextIndex: 0,
    lastTextIndex: 3,
  },
  {
    file: "llamacpp-chat-stream-timings.sse",
    method: "POST",
    path: "/v1/chat/completions",
    contentType: SSE,
    request: {
      model: "qwen2.5-7b-instruct-q4_k_m.gguf",
      messages: [{ role: "user", content: "Capital of France?" }],
      stream: true,
      stream_options: { include_usage: true },
    },
    expected: {
      model: "qwen2.5-7b-instruct-q4_k_m.gguf",
      streamed: true,
      promptTokens: 75,
      outputTokens: 31,
      estimated: false,
      serverTokensPerSecond: 35.41,
      serverTtftMs: null,
      serverTotalMs: null,
      loadMs: null,
      promptEvalMs: 61.2,
      evalMs: 875.4,
      doneReason: "stop",
      error: null,
      tokenChunks: 2,
    },
    firstTextIndex: 1,
    lastTextIndex: 2,
    rateTolerance: 0.005,
  },
  {
    file: "lmstudio-v0-chat-nostream.json",
    method: "POST",
    path: "/api/v0/chat/completions",
    contentType: JSON_TYPE,
    request: {
      model: "gemma-3-4b-it",
      messages: [{ role: "user", content: "Hello" }],
    },
    expected: {
      model: "gemma-3-4b-it",
      streamed: false,
      promptTokens: 12,
      outputTokens: 40,
      estimated: false,
      serverTokensPerSecond: 52.4,
      serverTtftMs: 183,
      serverTotalMs: null,
      loadMs: null,
      promptEvalMs: null,
      // LM Studio `stats.generation_time`, 0.763 s.
      evalMs: 763,
      doneReason: "stop",
      error: null,
      tokenChunks: 1,
    },
    firstTextIndex: 0,
    lastTextIndex: 0,
  },
  {
    file: "openai-completions-nostream.json",
    method: "POST",
    path: "/v1/completions",
    contentType: JSON_TYPE,
    request: { model: "llama3.2:3b", prompt: "2 + 2 =" },
    expected: {
      ...NO_TIMINGS,
      model: "llama3.2:3b",
      streamed: false,
      promptTokens: 9,
      outputTokens: 2,
      estimated: false,
      doneReason: "stop",
      error: null,
      tokenChunks: 1,
    },
    firstTextIndex: 0,
    lastTextIndex: 0,
  },
  {
    file: "anthropic-messages-stream.sse",
    method: "POST",
    path: "/v1/messages",
    contentType: SSE,
    request: {
      model: "llama3.2:3b",
      max_tokens: 64,
      messages: [{ role: "user", content: "Hi" }],
      stream: true,
    },
    expected: {
      ...NO_TIMINGS,
      model: "llama3.2:3b",
      streamed: true,
      promptTokens: 14,
      outputTokens: 9,
      estimated: false,
      doneReason: "end_turn",
      error: null,
      tokenChunks: 4,
    },
    firstTextIndex: 3,
    lastTextIndex: 6,
  },
  {
    file: "openai-responses-stream.sse",
    method: "POST",
    path: "/v1/responses",
    contentType: SSE,
    request: { model: "gpt-oss:20b", input: "1 + 1?", stream: true },
    expected: {
      ...NO_TIMINGS,
      model: "gpt-oss:20b",
      streamed: true,
      promptTokens: 40,
      outputTokens: 58,
      estimated: false,
      doneReason: null,
      error: null,
      tokenChunks: 2,
    },
    firstTextIndex: 1,
    lastTextIndex: 2,
  },
];

/** Reads a wire fixture's body, byte for byte. */
export function readWireFixture(file: string): Buffer {
  return readFileSync(new URL(`../../data/wire/${file}`, import.meta.url));
}
