import { describe, expect, it } from "vitest";

import {
  buildRecord,
  MAX_ERROR_LENGTH,
  MIN_STREAM_SPAN_MS,
  type ExchangeSummary,
} from "../../main/core/record-builder.js";
import { matchEndpoint } from "../../main/core/tap/endpoints.js";
import type { ResponseFacts } from "../../main/core/tap/types.js";

const STARTED_AT = new Date("2026-11-20T09:15:03.000Z");

function facts(overrides: Partial<ResponseFacts> = {}): ResponseFacts {
  return {
    model: "llama3.2:3b",
    streamed: true,
    promptTokens: 10,
    outputTokens: 21,
    estimated: false,
    serverTokensPerSecond: null,
    serverTtftMs: null,
    serverTotalMs: null,
    loadMs: null,
    promptEvalMs: null,
    evalMs: null,
    doneReason: "stop",
    error: null,
    firstTokenAtMs: 1100,
    lastTokenAtMs: 1500,
    tokenChunks: 21,
    ...overrides,
  };
}

function summary(overrides: Partial<ExchangeSummary> = {}): ExchangeSummary {
  return {
    id: "req-1",
    method: "POST",
    path: "/v1/chat/completions",
    endpoint: matchEndpoint("POST", "/v1/chat/completions")!,
    upstream: "http://127.0.0.1:11434",
    status: 200,
    transport: "completed",
    transportError: null,
    request: { model: "requested:1b", stream: true, includeUsage: true },
    response: facts(),
    startedAt: STARTED_AT,
    startedAtMs: 1000,
    endedAtMs: 2000,
    ...overrides,
  };
}

describe("buildRecord", () => {
  it("prefers the server's decode rate", () => {
    const record = buildRecord(
      summary({ response: facts({ serverTokensPerSecond: 35.41 }) }),
    );

    expect(record.tokensPerSecond).toBe(35.41);
    expect(record.rateSource).toBe("server");
  });

  it("measures the rate from chunk arrival times", () => {
    const record = buildRecord(summary());

    // 20 tokens after the first, over 400 ms between first and last chunk.
    expect(record.tokensPerSecond).toBe(50);
    expect(record.rateSource).toBe("stream");
  });

  it("falls back to wall time for bunched chunks", () => {
    const record = buildRecord(
      summary({
        response: facts({
          firstTokenAtMs: 1100,
          lastTokenAtMs: 1100 + MIN_STREAM_SPAN_MS - 1,
        }),
      }),
    );

    expect(record.rateSource).toBe("wall");
    expect(record.tokensPerSecond).toBe(21);
  });

  it("uses wall time for a body without a stream", () => {
    const record = buildRecord(
      summary({ response: facts({ streamed: false }) }),
    );

    expect(record.rateSource).toBe("wall");
    expect(record.ttftMs).toBeNull();
  });

  it("measures time to first token on the wire", () => {
    expect(buildRecord(summary()).ttftMs).toBe(100);
  });

  it("prefers the server's time to first token", () => {
    expect(
      buildRecord(summary({ response: facts({ serverTtftMs: 183 }) })).ttftMs,
    ).toBe(183);
  });

  it("gives a model load no rate and no first token", () => {
    const record = buildRecord(
      summary({ response: facts({ doneReason: "load", outputTokens: null }) }),
    );

    expect(record.tokensPerSecond).toBeNull();
    expect(record.ttftMs).toBeNull();
  });

  it("marks an error inside a 200 body", () => {
    const record = buildRecord(
      summary({
        response: facts({ error: "model runner has unexpectedly stopped" }),
      }),
    );

    expect(record.outcome).toBe("error");
    expect(record.error).toBe("model runner has unexpectedly stopped");
    expect(record.tokensPerSecond).toBeNull();
  });

  it("marks an error status", () => {
    const record = buildRecord(
      summary({ status: 404, response: facts({ outputTokens: null }) }),
    );

    expect(record.outcome).toBe("error");
    expect(record.error).toBe("HTTP 404");
  });

  it("keeps an upstream failure ahead of the status", () => {
    const record = buildRecord(
      summary({
        status: 502,
        transport: "upstream_error",
        transportError: "connect ECONNREFUSED",
        response: null,
      }),
    );

    expect(record.outcome).toBe("upstream_error");
    expect(record.error).toBe("connect ECONNREFUSED");
    expect(record.model).toBe("requested:1b");
  });

  it("gives an aborted request no rate", () => {
    const record = buildRecord(
      summary({ transport: "aborted", transportError: "client closed" }),
    );

    expect(record.outcome).toBe("aborted");
    expect(record.tokensPerSecond).toBeNull();
  });

  it("truncates long error messages", () => {
    const record = buildRecord(
      summary({ response: facts({ error: "x".repeat(2000) }) }),
    );

    expect(record.error).toHaveLength(MAX_ERROR_LENGTH);
    expect(record.error?.endsWith("…")).toBe(true);
  });

  it("prefers the server's total duration", () => {
    expect(
      buildRecord(summary({ response: facts({ serverTotalMs: 1843 }) }))
        .totalMs,
    ).toBe(1843);
    expect(buildRecord(summary()).totalMs).toBe(1000);
  });

  it("dates the record by wall clock", () => {
    const record = buildRecord(summary());

    expect(record.startedAt).toBe("2026-11-20T09:15:03.000Z");
    expect(record.endedAt).toBe("2026-11-20T09:15:04.000Z");
  });
});
