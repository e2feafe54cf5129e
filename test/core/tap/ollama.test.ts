import { describe, expect, it } from "vitest";
import { ndjsonLines, readResponse } from "./read-response.js";

const NDJSON = "application/x-ndjson";
const JSON_TYPE = "application/json; charset=utf-8";

describe("OllamaInterpreter", () => {
  it("reads an error body", () => {
    const facts = readResponse("/api/chat", JSON_TYPE, [
      '{"error":"model \\"x\\" not found"}',
    ]);

    expect(facts.error).toBe('model "x" not found');
  });

  it("keeps the first error of a stream", () => {
    const body = ndjsonLines({ error: "first" }, { error: "second" });

    expect(readResponse("/api/generate", NDJSON, [body]).error).toBe("first");
  });

  it("leaves missing counters null", () => {
    const body = ndjsonLines(
      { model: "m", response: "Hi", done: false },
      { model: "m", response: "", done: true, done_reason: "stop" },
    );
    const facts = readResponse("/api/generate", NDJSON, [body]);

    expect(facts.promptTokens).toBeNull();
    expect(facts.serverTokensPerSecond).toBeNull();
    expect(facts.serverTotalMs).toBeNull();
    expect(facts.loadMs).toBeNull();
    expect(facts.promptEvalMs).toBeNull();
    expect(facts.evalMs).toBeNull();
  });

  it("gives no rate for a zero eval duration", () => {
    const body = ndjsonLines({ done: true, eval_count: 5, eval_duration: 0 });

    expect(
      readResponse("/api/generate", NDJSON, [body]).serverTokensPerSecond,
    ).toBeNull();
  });

  it("takes generate thinking as the first token", () => {
    const thinking = ndjsonLines({
      model: "m",
      response: "",
      thinking: "Hmm",
      done: false,
    });
    const answer = ndjsonLines({ model: "m", response: "Yes", done: false });
    const facts = readResponse("/api/generate", NDJSON, [thinking, answer]);

    expect(facts.firstTokenAtMs).toBe(0);
    expect(facts.tokenChunks).toBe(2);
  });

  it("counts text lines when a stream ends without counts", () => {
    const body = ndjsonLines(
      { model: "m", message: { role: "assistant", content: "A" }, done: false },
      { model: "m", message: { role: "assistant", content: "B" }, done: false },
    );
    const facts = readResponse("/api/chat", NDJSON, [body]);

    expect(facts.outputTokens).toBe(2);
    expect(facts.estimated).toBe(true);
  });

  it("estimates a single body without counts from its text size", () => {
    const body = JSON.stringify({
      model: "m",
      message: { content: "x".repeat(40) },
      done: true,
    });
    const facts = readResponse("/api/chat", JSON_TYPE, [body]);

    expect(facts.outputTokens).toBe(10);
    expect(facts.estimated).toBe(true);
  });

  it("estimates from the size of a message too large to keep", () => {
    const content = "y".repeat(400_000);
    const body = JSON.stringify({
      model: "m",
      message: { role: "assistant", content },
      done: true,
    });
    const facts = readResponse("/api/chat", JSON_TYPE, [body]);

    // The serialized size counts the two quotes too.
    expect(facts.outputTokens).toBe(Math.round((content.length + 2) / 4));
    expect(facts.tokenChunks).toBe(1);
  });

  it("reads a legacy embeddings body", () => {
    const facts = readResponse("/api/embeddings", JSON_TYPE, [
      '{"embedding":[0.1,0.2]}',
    ]);

    expect(facts.promptTokens).toBeNull();
    expect(facts.outputTokens).toBeNull();
    expect(facts.estimated).toBe(false);
  });

  it("gives embeddings no decode figures", () => {
    const body =
      '{"model":"e","embeddings":[[0.1]],"prompt_eval_count":4,"eval_count":9,"eval_duration":10}';
    const facts = readResponse("/api/embed", JSON_TYPE, [body]);

    expect(facts.outputTokens).toBeNull();
    expect(facts.serverTokensPerSecond).toBeNull();
    expect(facts.evalMs).toBeNull();
    expect(facts.promptTokens).toBe(4);
  });
});
