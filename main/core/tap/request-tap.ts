import { JsonScanner } from "./json-scanner.js";
import type { ScannedObject } from "./json-scanner.js";
import { capturePromptText } from "./text-capture.js";
import type { Endpoint, RequestFacts, RequestTap } from "./types.js";

// Prompts, messages and images are skipped unread; only these members are kept.
const REQUEST_MEMBERS: ReadonlySet<string> = new Set([
  "model",
  "stream",
  "stream_options",
]);

// With prompt capture on, the prompt members are kept too, each up to this
// size in bytes. A larger one, such as a long chat history or an image, is
// not captured.
const CAPTURE_MEMBERS: ReadonlySet<string> = new Set([
  ...REQUEST_MEMBERS,
  "prompt",
  "messages",
  "input",
]);
const CAPTURE_MAX_VALUE_BYTES = 256 * 1024;

/** Options of a request tap. */
export interface RequestTapOptions {
  /** Keep the prompt text (capped), for prompt capture. Default false. */
  capturePrompt?: boolean;
}

/** Creates a tap that reads the model and streaming options off a request body. */
export function createRequestTap(
  endpoint: Endpoint,
  options: RequestTapOptions = {},
): RequestTap {
  return new JsonRequestTap(endpoint, options.capturePrompt ?? false);
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

  constructor(
    endpoint: Endpoint,
    private readonly capturePrompt: boolean,
  ) {
    this.endpoint = endpoint;
    this.scanner = new JsonScanner({
      mode: "document",
      select: capturePrompt ? CAPTURE_MEMBERS : REQUEST_MEMBERS,
      ...(capturePrompt
        ? {
            maxValueBytes: CAPTURE_MAX_VALUE_BYTES,
            captureBudgetBytes: CAPTURE_MAX_VALUE_BYTES + 4096,
          }
        : {}),
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

  capturedPrompt(): string | null {
    if (!this.capturePrompt || this.body === null) return null;
    return capturePromptText(this.body.members);
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
