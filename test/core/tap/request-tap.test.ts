import { describe, expect, it } from "vitest";
import { matchEndpoint } from "../../../main/core/tap/endpoints.js";
import { createRequestTap } from "../../../main/core/tap/request-tap.js";
import type { RequestFacts } from "../../../main/core/tap/types.js";

function readRequest(
  path: string,
  chunks: readonly (string | Buffer)[],
): RequestFacts {
  const tap = createRequestTap(matchEndpoint("POST", path)!);
  for (const chunk of chunks)
    tap.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return tap.finish();
}

describe("createRequestTap", () => {
  it.each([
    ["/api/generate", true],
    ["/api/chat", true],
    ["/api/embed", false],
    ["/v1/chat/completions", false],
    ["/v1/completions", false],
    ["/v1/responses", false],
    ["/v1/messages", false],
    ["/api/v0/chat/completions", false],
  ])("applies the stream default of %s", (path, stream) => {
    expect(readRequest(path, ['{"model":"m"}']).stream).toBe(stream);
  });

  it("reads an explicit stream flag", () => {
    expect(
      readRequest("/api/chat", ['{"model":"m","stream":false}']).stream,
    ).toBe(false);
  });

  it("reads the model", () => {
    expect(readRequest("/api/chat", ['{"model":"llama3.2:3b"}']).model).toBe(
      "llama3.2:3b",
    );
  });

  it("reads include_usage", () => {
    const body =
      '{"model":"m","stream":true,"stream_options":{"include_usage":true}}';

    expect(readRequest("/v1/chat/completions", [body])).toEqual({
      model: "m",
      stream: true,
      includeUsage: true,
    });
  });

  it("reads include_usage false when stream_options lacks it", () => {
    const body = '{"stream":true,"stream_options":{}}';

    expect(readRequest("/v1/chat/completions", [body]).includeUsage).toBe(
      false,
    );
  });

  it("ignores a stream value that is no boolean", () => {
    expect(readRequest("/api/generate", ['{"stream":"no"}']).stream).toBe(true);
  });

  it.each([
    ["an empty body", ""],
    ["invalid JSON", "{model: m}"],
    ["an array", '[{"model":"m"}]'],
    ["a cut-off body", '{"model":"m'],
  ])("returns defaults for %s", (_name, body) => {
    expect(readRequest("/api/chat", [body])).toEqual({
      model: null,
      stream: true,
      includeUsage: false,
    });
  });

  it("reads a body split at every byte", () => {
    const body = Buffer.from(
      '{"messages":[{"role":"user","content":"é \\"hi\\""}],"model":"qwen3:8b","stream":false}',
    );
    for (let i = 1; i < body.length; i++) {
      const facts = readRequest("/api/chat", [
        body.subarray(0, i),
        body.subarray(i),
      ]);
      expect(facts, `split at ${i}`).toEqual({
        model: "qwen3:8b",
        stream: false,
        includeUsage: false,
      });
    }
  });

  it("skips a huge prompt with bounded memory", () => {
    const tap = createRequestTap(
      matchEndpoint("POST", "/v1/chat/completions")!,
    );
    const text = Buffer.alloc(64 * 1024, "a long prompt \\n ");
    let maxRetained = 0;

    tap.push(Buffer.from('{"messages":[{"role":"user","content":"'));
    for (let i = 0; i < 320; i++) {
      tap.push(text);
      maxRetained = Math.max(maxRetained, tap.retainedBytes());
    }
    tap.push(
      Buffer.from(
        '"}],"model":"m","stream":true,"stream_options":{"include_usage":true}}',
      ),
    );

    expect(maxRetained).toBeLessThan(32 * 1024);
    expect(tap.finish()).toEqual({
      model: "m",
      stream: true,
      includeUsage: true,
    });
  });
});
