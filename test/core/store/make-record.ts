import type { RequestRecord } from "../../../main/core/record.js";

let sequence = 0;

/**
 * Builds a finished Ollama chat record at a fixed time, `sequence` seconds
 * after 2025-01-01T00:00:00Z, so records made later end later.
 */
export function makeRecord(
  overrides: Partial<RequestRecord> = {},
): RequestRecord {
  sequence += 1;
  const started = new Date(Date.UTC(2025, 0, 1) + sequence * 1000);
  const ended = new Date(started.getTime() + 500);

  return {
    id: `req-${sequence}`,
    startedAt: started.toISOString(),
    endedAt: ended.toISOString(),
    method: "POST",
    path: "/api/chat",
    api: "ollama",
    endpoint: "/api/chat",
    upstream: "http://127.0.0.1:11434",
    model: "llama3.2:3b",
    status: 200,
    outcome: "ok",
    error: null,
    streamed: true,
    promptTokens: 10,
    outputTokens: 20,
    estimated: false,
    tokensPerSecond: 40,
    rateSource: "server",
    ttftMs: 120,
    totalMs: 500,
    loadMs: null,
    promptEvalMs: 20,
    evalMs: 500,
    doneReason: "stop",
    ...overrides,
  };
}

/** Builds a record with no decode rate, like an error before any output. */
export function makeErrorRecord(
  overrides: Partial<RequestRecord> = {},
): RequestRecord {
  return makeRecord({
    status: 500,
    outcome: "error",
    error: "model not found",
    promptTokens: null,
    outputTokens: null,
    tokensPerSecond: null,
    rateSource: null,
    ttftMs: null,
    evalMs: null,
    doneReason: null,
    ...overrides,
  });
}
