import { describe, expect, it } from "vitest";
import { readResponse } from "./read-response.js";

const SSE = "text/event-stream";

function event(type: string, data: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

describe("ResponsesInterpreter", () => {
  it("reads usage from a response.completed carrying a large output", () => {
    const output = [
      {
        type: "message",
        content: [{ type: "output_text", text: "t".repeat(50_000) }],
      },
    ];
    const body =
      event("response.output_text.delta", { delta: "Hi" }) +
      event("response.completed", {
        response: {
          model: "gpt-oss:20b",
          output,
          usage: { input_tokens: 7, output_tokens: 9 },
        },
      });
    const facts = readResponse("/v1/responses", SSE, [body]);

    expect(facts.model).toBe("gpt-oss:20b");
    expect(facts.promptTokens).toBe(7);
    expect(facts.outputTokens).toBe(9);
    expect(facts.tokenChunks).toBe(1);
  });

  it("counts reasoning deltas as text", () => {
    const body =
      event("response.reasoning_text.delta", { delta: "think" }) +
      event("response.output_text.delta", { delta: "Hi" });

    expect(readResponse("/v1/responses", SSE, [body]).tokenChunks).toBe(2);
  });

  it("reads a single response body", () => {
    const body = JSON.stringify({
      object: "response",
      model: "m",
      status: "completed",
      output: [
        { type: "message", content: [{ type: "output_text", text: "Two." }] },
      ],
      usage: { input_tokens: 3, output_tokens: 2 },
    });
    const facts = readResponse("/v1/responses", "application/json", [body]);

    expect(facts.promptTokens).toBe(3);
    expect(facts.outputTokens).toBe(2);
    expect(facts.tokenChunks).toBe(1);
    expect(facts.streamed).toBe(false);
  });

  it("reads the reason of an incomplete response", () => {
    const body = event("response.incomplete", {
      response: {
        incomplete_details: { reason: "max_output_tokens" },
        usage: null,
      },
    });

    expect(readResponse("/v1/responses", SSE, [body]).doneReason).toBe(
      "max_output_tokens",
    );
  });

  it("reads the error of a failed response", () => {
    const body = event("response.failed", {
      response: { error: { code: "server_error", message: "model crashed" } },
    });

    expect(readResponse("/v1/responses", SSE, [body]).error).toBe(
      "model crashed",
    );
  });

  it("reads an error event", () => {
    const body = event("error", { code: "rate_limit", message: "slow down" });

    expect(readResponse("/v1/responses", SSE, [body]).error).toBe("slow down");
  });
});
