import { describe, expect, it } from "vitest";
import { readResponse, sseEvents } from "./read-response.js";

const SSE = "text/event-stream";
const JSON_TYPE = "application/json";

function chunk(
  delta: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) {
  return {
    model: "m",
    choices: [{ index: 0, delta, finish_reason: null }],
    ...extra,
  };
}

describe("OpenAiInterpreter", () => {
  it("ignores all-zero usage blocks", () => {
    const zero = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
    const body = sseEvents(
      chunk(
        { content: "a" },
        { usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 } },
      ),
      chunk({ content: "b" }, { usage: zero }),
    );
    const facts = readResponse("/v1/chat/completions", SSE, [body]);

    expect(facts.promptTokens).toBe(5);
    expect(facts.outputTokens).toBe(1);
  });

  it("takes the last usage seen", () => {
    const body = sseEvents(
      chunk(
        { content: "a" },
        { usage: { prompt_tokens: 5, completion_tokens: 1 } },
      ),
      chunk(
        { content: "b" },
        { usage: { prompt_tokens: 5, completion_tokens: 2 } },
      ),
      chunk({}, { usage: null }),
    );

    expect(readResponse("/v1/chat/completions", SSE, [body]).outputTokens).toBe(
      2,
    );
  });

  it("counts reasoning deltas as text", () => {
    const body = sseEvents(
      chunk({ reasoning_content: "think" }),
      chunk({ reasoning: "more" }),
      chunk({ content: "" }),
      chunk({ content: "answer" }),
    );
    const facts = readResponse("/v1/chat/completions", SSE, [body]);

    expect(facts.tokenChunks).toBe(3);
    expect(facts.firstTokenAtMs).toBe(0);
    expect(facts.outputTokens).toBe(3);
    expect(facts.estimated).toBe(true);
  });

  it("counts completions text chunks", () => {
    const body = sseEvents(
      { model: "m", choices: [{ text: "one", index: 0 }] },
      {
        model: "m",
        choices: [{ text: " two", index: 0, finish_reason: "length" }],
      },
      "[DONE]",
    );
    const facts = readResponse("/v1/completions", SSE, [body]);

    expect(facts.tokenChunks).toBe(2);
    expect(facts.doneReason).toBe("length");
  });

  it("tolerates data: null and [DONE]", () => {
    const body = `data: null\n\n${sseEvents(chunk({ content: "a" }))}data: [DONE]\n\n`;

    expect(readResponse("/v1/chat/completions", SSE, [body]).tokenChunks).toBe(
      1,
    );
  });

  it("reads llama.cpp timings without usage", () => {
    const timings = {
      prompt_n: 12,
      prompt_ms: 30,
      predicted_n: 20,
      predicted_ms: 400,
    };
    const body = sseEvents(chunk({ content: "a" }), chunk({}, { timings }));
    const facts = readResponse("/v1/chat/completions", SSE, [body]);

    expect(facts.promptTokens).toBe(12);
    expect(facts.outputTokens).toBe(20);
    expect(facts.estimated).toBe(false);
    expect(facts.serverTokensPerSecond).toBe(50);
  });

  it("falls back to predicted_per_second", () => {
    const body = sseEvents(
      chunk({}, { timings: { predicted_per_second: 41.5 } }),
    );

    expect(
      readResponse("/v1/chat/completions", SSE, [body]).serverTokensPerSecond,
    ).toBe(41.5);
  });

  it("estimates a single body without usage from its text size", () => {
    const body = JSON.stringify({
      model: "m",
      choices: [
        { index: 0, message: { role: "assistant", content: "z".repeat(40) } },
      ],
    });
    const facts = readResponse("/v1/chat/completions", JSON_TYPE, [body]);

    expect(facts.outputTokens).toBe(10);
    expect(facts.estimated).toBe(true);
    expect(facts.promptTokens).toBeNull();
  });

  it("estimates from the size of choices too large to keep", () => {
    const content = "w".repeat(100_000);
    const body = JSON.stringify({
      model: "m",
      choices: [{ index: 0, message: { content } }],
    });
    const facts = readResponse("/v1/chat/completions", JSON_TYPE, [body]);

    expect(Math.abs(facts.outputTokens! - content.length / 4)).toBeLessThan(20);
    expect(facts.estimated).toBe(true);
  });

  it("reads a pretty-printed body", () => {
    const body = JSON.stringify(
      {
        model: "m",
        choices: [],
        usage: { prompt_tokens: 3, completion_tokens: 4 },
      },
      null,
      2,
    );
    const facts = readResponse("/api/v0/chat/completions", JSON_TYPE, [body]);

    expect(facts.promptTokens).toBe(3);
    expect(facts.outputTokens).toBe(4);
  });

  it("reads embeddings usage without output", () => {
    const body = JSON.stringify({
      object: "list",
      data: [
        {
          object: "embedding",
          embedding: new Array(2000).fill(0.125),
          index: 0,
        },
      ],
      model: "e",
      usage: { prompt_tokens: 8, total_tokens: 8 },
    });
    const facts = readResponse("/v1/embeddings", JSON_TYPE, [body]);

    expect(facts.model).toBe("e");
    expect(facts.promptTokens).toBe(8);
    expect(facts.outputTokens).toBeNull();
    expect(facts.estimated).toBe(false);
  });

  it("reads an error object body", () => {
    const body =
      '{"error":{"message":"The model `x` does not exist","type":"invalid_request_error"}}';

    expect(readResponse("/v1/chat/completions", JSON_TYPE, [body]).error).toBe(
      "The model `x` does not exist",
    );
  });

  it("reads an error event in a stream", () => {
    const body = sseEvents(chunk({ content: "a" }), {
      error: { message: "context overflow" },
    });

    expect(readResponse("/v1/chat/completions", SSE, [body]).error).toBe(
      "context overflow",
    );
  });

  it("names the size of an error too long to keep", () => {
    const body = JSON.stringify({ error: "e".repeat(5000) });

    expect(readResponse("/v1/chat/completions", JSON_TYPE, [body]).error).toBe(
      "error message of 5002 bytes, too long to keep",
    );
  });

  it("truncates a long error message", () => {
    const body = JSON.stringify({ error: { message: "e".repeat(3000) } });

    expect(
      readResponse("/v1/chat/completions", JSON_TYPE, [body]).error,
    ).toHaveLength(1000);
  });
});
