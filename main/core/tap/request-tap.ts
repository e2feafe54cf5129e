import { DEFAULT_MAX_VALUE_BYTES, JsonScanner } from "./json-scanner.js";
import type { ScannedObject } from "./json-scanner.js";
import { readSmallObject } from "./small-object.js";
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
  /** The request's `Content-Length` in bytes, or null when it sent none. */
  contentLength?: number | null;
}

/** Creates a tap that reads the model and streaming options off a request body. */
export function createRequestTap(
  endpoint: Endpoint,
  options: RequestTapOptions = {},
): RequestTap {
  return new JsonRequestTap(
    endpoint,
    options.capturePrompt ?? false,
    options.contentLength ?? null,
  );
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
  private readonly select: ReadonlySet<string>;
  private readonly maxValueBytes: number;
  /** Created on the first chunk that is not the whole small body. */
  private scanner: JsonScanner | null = null;
  private body: ScannedObject | null = null;
  /** Whether the whole body was read at once, so later bytes are not part of it. */
  private readWhole = false;
  private facts: RequestFacts | null = null;

  constructor(
    endpoint: Endpoint,
    private readonly capturePrompt: boolean,
    private readonly contentLength: number | null,
  ) {
    this.endpoint = endpoint;
    this.select = capturePrompt ? CAPTURE_MEMBERS : REQUEST_MEMBERS;
    this.maxValueBytes = capturePrompt
      ? CAPTURE_MAX_VALUE_BYTES
      : DEFAULT_MAX_VALUE_BYTES;
  }

  push(chunk: Buffer): void {
    if (this.facts !== null || this.readWhole) return;

    if (this.scanner === null && this.readsWhole(chunk)) {
      this.body = readSmallObject(chunk, { select: this.select, lines: false });
      if (this.body !== null) {
        this.readWhole = true;
        return;
      }
    }
    this.scannerFor().push(chunk);
  }

  finish(): RequestFacts {
    if (this.facts === null) {
      this.scanner?.end();
      this.facts = this.readFacts();
    }
    return this.facts;
  }

  capturedPrompt(): string | null {
    if (!this.capturePrompt || this.body === null) return null;
    return capturePromptText(this.body.members);
  }

  retainedBytes(): number {
    return this.scanner?.retainedBytes() ?? 0;
  }

  /** Returns whether `chunk` is the whole body and small enough that no member can be dropped. */
  private readsWhole(chunk: Buffer): boolean {
    return (
      chunk.length === this.contentLength && chunk.length <= this.maxValueBytes
    );
  }

  private scannerFor(): JsonScanner {
    this.scanner ??= new JsonScanner({
      mode: "document",
      select: this.select,
      ...(this.capturePrompt
        ? {
            maxValueBytes: CAPTURE_MAX_VALUE_BYTES,
            captureBudgetBytes: CAPTURE_MAX_VALUE_BYTES + 4096,
          }
        : {}),
      onResult: (result) => {
        if (result.kind === "object") this.body ??= result;
      },
    });
    return this.scanner;
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
