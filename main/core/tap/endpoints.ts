import type { Endpoint } from "./types.js";

// LM Studio's own REST API (`/api/v0/…`) returns OpenAI-shaped bodies.
const ENDPOINTS: readonly Endpoint[] = [
  { api: "ollama", name: "/api/generate", kind: "ollama-generate" },
  { api: "ollama", name: "/api/chat", kind: "ollama-chat" },
  { api: "ollama", name: "/api/embed", kind: "ollama-embed" },
  { api: "ollama", name: "/api/embeddings", kind: "ollama-embed" },
  { api: "openai", name: "/v1/chat/completions", kind: "openai-chat" },
  { api: "openai", name: "/v1/completions", kind: "openai-completions" },
  { api: "openai", name: "/v1/embeddings", kind: "openai-embeddings" },
  { api: "openai", name: "/v1/responses", kind: "openai-responses" },
  { api: "anthropic", name: "/v1/messages", kind: "anthropic-messages" },
  { api: "openai", name: "/api/v0/chat/completions", kind: "openai-chat" },
  { api: "openai", name: "/api/v0/completions", kind: "openai-completions" },
  { api: "openai", name: "/api/v0/embeddings", kind: "openai-embeddings" },
];

const BY_PATH = new Map(ENDPOINTS.map((endpoint) => [endpoint.name, endpoint]));

/**
 * Returns the inference endpoint a request calls, or null when the tap does
 * not read it. Only POST requests are inference calls. `pathname` is the URL
 * path without the query string; one trailing slash is tolerated.
 */
export function matchEndpoint(
  method: string,
  pathname: string,
): Endpoint | null {
  if (method.toUpperCase() !== "POST") return null;

  const path =
    pathname.length > 1 && pathname.endsWith("/")
      ? pathname.slice(0, -1)
      : pathname;
  return BY_PATH.get(path) ?? null;
}
