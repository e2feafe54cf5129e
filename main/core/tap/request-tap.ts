import { JsonScanner } from "./json-scanner.js";
import type { ScannedObject } from "./json-scanner.js";
import type { Endpoint, RequestFacts, RequestTap } from "./types.js";

// Prompts, messages and images are skipped unread; only these members are kept.
const REQUEST_MEMBERS: ReadonlySet<string> = new Set([
  "model",
  "stream",
  "stream_options",
]);

/** Creates a tap that reads the model and streaming options off a request body. */
export function createRequestTap(endpoint: Endpoint): RequestTap {
  return new JsonRequestTap(endpoint);
}

/**
 * Returns whether a request streams when its body has no `stream` member.
 * Ollama's generate and chat stream by default, and every other API returns
 * one body.
 */
export function streamsByDefault(endpoint: Endpoint): boolean {
  return endpoint.kind === "ollama-generate" || endpoint.kind === "ollama-chat";
}

class JsonRequestTap implements RequestTap {
  private readonly endpoint: Endpoint;
  private readonly scanner: JsonScanner;
  private body: ScannedObject | null = null;
  private facts: RequestFacts | null = null;

  constructor(endpoint: Endpoint) {
    this.endpoint = endpoint;
    this.scanner = new JsonScanner({
      mode: "document",
      select: REQUEST_MEMBERS,
      onResult: (result) => {
        if (result.kind === "object") this.body ??= result;
      },
    });
  }

  push(chunk: Buffer): void {
    if (this.facts === null) this.scanner.push(chunk);
  }

  finish(): RequestFacts {
    if (this.facts === null) {
      this.scanner.end();
      this.facts = this.readFacts();
    }
    return this.facts;
  }

  retainedBytes(): number {
    return this.scanner.retainedBytes();
  }

  private readFacts(): RequestFacts {
    const members = this.body?.members ?? {};
    const model = members["model"];
    const stream = members["stream"];
    const options = members["stream_options"];
    const includeUsage =
      typeof options === "object" &&
      options !== null &&
      "include_usage" in options
        ? options.include_usage === true
        : false;

    return {
      model: typeof model === "string" && model !== "" ? model : null,
      stream:
        typeof stream === "boolean" ? stream : streamsByDefault(this.endpoint),
      includeUsage,
    };
  }
}
