import { describe, expect, it } from "vitest";
import { readResponse } from "./read-response.js";

const SSE = "text/event-stream";

function event(type: string, data: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

const START = event("message_start", {
  message: { model: "claude-x", usage: { input_tokens: 11, output_tokens: 1 } },
});

function textDelta(text: string): string {
  return event("content_block_delta", {
    index: 0,
    delta: { type: "text_delta", text },
  });
}

describe("AnthropicInterpreter", () => {
  it("does not take the placeholder output count of message_start", () => {
    const facts = readResponse("/v1/messages", SSE, [
      START + textDelta("a") + textDelta("b"),
    ]);

    expect(facts.promptTokens).toBe(11);
    expect(facts.outputTokens).toBe(2);
    expect(facts.estimated).toBe(true);
  });

  it("takes thinking deltas as the first token", () => {
    const thinking = event("content_block_delta", {
      index: 0,
      delta: { type: "thinking_delta", thinking: "hmm" },
    });
    const facts = readResponse("/v1/messages", SSE, [
      START,
      thinking,
      textDelta("a"),
    ]);

    expect(facts.firstTokenAtMs).toBe(1);
    expect(facts.tokenChunks).toBe(2);
  });

  it("reads input tokens from message_delta", () => {
    const delta = event("message_delta", {
      delta: { stop_reason: "max_tokens" },
      usage: { input_tokens: 12, output_tokens: 30 },
    });
    const facts = readResponse("/v1/messages", SSE, [
      START + textDelta("a") + delta,
    ]);

    expect(facts.promptTokens).toBe(12);
    expect(facts.outputTokens).toBe(30);
    expect(facts.doneReason).toBe("max_tokens");
  });

  it("reads an error event", () => {
    const body = event("error", {
      error: { type: "overloaded_error", message: "Overloaded" },
    });

    expect(readResponse("/v1/messages", SSE, [body]).error).toBe("Overloaded");
  });

  it("reads a single message body", () => {
    const body = JSON.stringify({
      id: "msg_1",
      type: "message",
      model: "claude-x",
      content: [{ type: "text", text: "Hello!" }],
      stop_reason: "end_turn",
      usage: { input_tokens: 5, output_tokens: 3 },
    });
    const facts = readResponse("/v1/messages", "application/json", [body]);

    expect(facts.model).toBe("claude-x");
    expect(facts.promptTokens).toBe(5);
    expect(facts.outputTokens).toBe(3);
    expect(facts.doneReason).toBe("end_turn");
    expect(facts.tokenChunks).toBe(1);
  });
});
