import { describe, expect, it } from "vitest";
import { matchEndpoint } from "../../../main/core/tap/endpoints.js";

describe("matchEndpoint", () => {
  it.each([
    ["/api/generate", "ollama", "/api/generate", "ollama-generate"],
    ["/api/chat", "ollama", "/api/chat", "ollama-chat"],
    ["/api/embed", "ollama", "/api/embed", "ollama-embed"],
    ["/api/embeddings", "ollama", "/api/embeddings", "ollama-embed"],
    ["/v1/chat/completions", "openai", "/v1/chat/completions", "openai-chat"],
    ["/v1/completions", "openai", "/v1/completions", "openai-completions"],
    ["/v1/embeddings", "openai", "/v1/embeddings", "openai-embeddings"],
    ["/v1/responses", "openai", "/v1/responses", "openai-responses"],
    ["/v1/messages", "anthropic", "/v1/messages", "anthropic-messages"],
    [
      "/api/v0/chat/completions",
      "openai",
      "/api/v0/chat/completions",
      "openai-chat",
    ],
    [
      "/api/v0/completions",
      "openai",
      "/api/v0/completions",
      "openai-completions",
    ],
    ["/api/v0/embeddings", "openai", "/api/v0/embeddings", "openai-embeddings"],
  ])("matches POST %s", (path, api, name, kind) => {
    expect(matchEndpoint("POST", path)).toEqual({ api, name, kind });
  });

  it("tolerates a trailing slash", () => {
    expect(matchEndpoint("POST", "/api/chat/")?.name).toBe("/api/chat");
  });

  it("accepts a lowercase method", () => {
    expect(matchEndpoint("post", "/v1/messages")?.kind).toBe(
      "anthropic-messages",
    );
  });

  it.each(["GET", "PUT", "OPTIONS", "HEAD"])("ignores %s", (method) => {
    expect(matchEndpoint(method, "/api/chat")).toBeNull();
  });

  it.each([
    "/",
    "/api/tags",
    "/api/pull",
    "/v1/models",
    "/api/chat//",
    "/API/CHAT",
    "/api/chatx",
  ])("ignores %s", (path) => {
    expect(matchEndpoint("POST", path)).toBeNull();
  });
});
