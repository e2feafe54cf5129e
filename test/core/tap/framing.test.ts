import { describe, expect, it } from "vitest";
import { matchEndpoint } from "../../../main/core/tap/endpoints.js";
import {
  chooseFraming,
  mediaTypeOf,
  sniffFraming,
} from "../../../main/core/tap/framing.js";

const chat = matchEndpoint("POST", "/api/chat")!;
const openAiChat = matchEndpoint("POST", "/v1/chat/completions")!;

describe("chooseFraming", () => {
  it("reads text/event-stream as SSE on any endpoint", () => {
    expect(chooseFraming(chat, "text/event-stream; charset=utf-8")).toBe("sse");
  });

  it("reads NDJSON as lines", () => {
    expect(chooseFraming(openAiChat, "application/x-ndjson")).toBe("lines");
  });

  it("reads Ollama JSON bodies as lines", () => {
    expect(chooseFraming(chat, "application/json; charset=utf-8")).toBe(
      "lines",
    );
  });

  it("reads other JSON bodies as one document", () => {
    expect(chooseFraming(openAiChat, "Application/JSON")).toBe("document");
  });

  it("leaves an unknown type to the first bytes", () => {
    expect(chooseFraming(openAiChat, null)).toBeNull();
  });
});

describe("sniffFraming", () => {
  it("takes a brace for JSON", () => {
    expect(sniffFraming("{".charCodeAt(0))).toBe("document");
  });

  it("takes a field name for SSE", () => {
    expect(sniffFraming("d".charCodeAt(0))).toBe("sse");
  });
});

describe("mediaTypeOf", () => {
  it("drops parameters and case", () => {
    expect(mediaTypeOf(" Text/Event-Stream ; charset=utf-8")).toBe(
      "text/event-stream",
    );
  });

  it("returns null for an empty header", () => {
    expect(mediaTypeOf("")).toBeNull();
  });
});
