import { AnthropicInterpreter } from "./anthropic.js";
import type { BodyInterpreter } from "./facts-builder.js";
import {
  chooseFraming,
  mediaTypeOf,
  skipWhitespace,
  sniffFraming,
} from "./framing.js";
import type { Framing } from "./framing.js";
import { DEFAULT_MAX_VALUE_BYTES, JsonScanner } from "./json-scanner.js";
import type { ScanResult } from "./json-scanner.js";
import { OllamaInterpreter } from "./ollama.js";
import { ResponsesInterpreter } from "./openai-responses.js";
import { OpenAiInterpreter } from "./openai.js";
import { readSmallObject } from "./small-object.js";
import { SseReader } from "./sse-reader.js";
import { captureResponseText, TextCapture } from "./text-capture.js";
import type { SseEvent } from "./sse-reader.js";
import type { Endpoint, ResponseFacts, ResponseTap } from "./types.js";

/** Response headers the tap reads before the body. */
export interface ResponseTapOptions {
  /** The upstream's `Content-Type` header, or null when it sent none. */
  contentType: string | null;
  /** The upstream's `Content-Length` in bytes, or null when it sent none. */
  contentLength?: number | null;
  /** Keep the generated text (capped), for prompt capture. Default false. */
  captureText?: boolean;
}

/** The part of a framing reader the tap drives. */
interface BodyReader {
  push(chunk: Buffer): void;
  end(): void;
  retainedBytes(): number;
}

/**
 * Creates a tap that reads token counts, timings, model and errors off a
 * response body as its chunks pass, without changing or holding them.
 */
export function createResponseTap(
  endpoint: Endpoint,
  options: ResponseTapOptions,
): ResponseTap {
  return new StreamingResponseTap(
    endpoint,
    options.contentType,
    options.contentLength ?? null,
    options.captureText ? new TextCapture() : null,
  );
}

/** Returns the interpreter for an endpoint's response shape. */
export function createInterpreter(endpoint: Endpoint): BodyInterpreter {
  switch (endpoint.kind) {
    case "ollama-generate":
    case "ollama-chat":
    case "ollama-embed":
      return new OllamaInterpreter(endpoint);
    case "openai-responses":
      return new ResponsesInterpreter();
    case "anthropic-messages":
      return new AnthropicInterpreter();
    default:
      return new OpenAiInterpreter(endpoint);
  }
}

/** The reader of a body already read whole: there is nothing left to read. */
const WHOLE_BODY_READ: BodyReader = {
  push: () => {},
  end: () => {},
  retainedBytes: () => 0,
};

class StreamingResponseTap implements ResponseTap {
  private readonly interpreter: BodyInterpreter;
  private readonly labelledNdjson: boolean;
  private framing: Framing | null;
  private reader: BodyReader | null = null;
  /** Arrival time of the chunk being read, given to the values it completes. */
  private atMs = 0;
  private values = 0;
  private facts: ResponseFacts | null = null;

  constructor(
    endpoint: Endpoint,
    contentType: string | null,
    private readonly contentLength: number | null,
    private readonly completion: TextCapture | null,
  ) {
    this.interpreter = createInterpreter(endpoint);
    this.framing = chooseFraming(endpoint, contentType);
    this.labelledNdjson = mediaTypeOf(contentType) === "application/x-ndjson";
  }

  push(chunk: Buffer, atMs: number): void {
    if (this.facts !== null) return;
    this.atMs = atMs;

    let body = chunk;
    if (this.reader === null) {
      if (this.framing === null) {
        // An unlabelled body is judged by its first byte past any whitespace.
        const start = skipWhitespace(chunk);
        if (start === -1) return;
        this.framing = sniffFraming(chunk[start]!);
        body = chunk.subarray(start);
      }
      if (this.readWhole(chunk, body)) return;
      this.reader = this.createReader(this.framing);
    }

    this.reader.push(body);
  }

  finish(): ResponseFacts {
    if (this.facts === null) {
      this.reader?.end();
      this.facts = this.interpreter.finish(this.isStreamed());
    }
    return this.facts;
  }

  capturedCompletion(): string | null {
    return this.completion?.result() ?? null;
  }

  retainedBytes(): number {
    return this.reader?.retainedBytes() ?? 0;
  }

  private isStreamed(): boolean {
    if (this.framing === "sse") return true;
    if (this.framing === "lines") return this.labelledNdjson || this.values > 1;
    return false;
  }

  /**
   * Reads a body that arrived whole in its first chunk and is small enough
   * that the scanner would drop none of its members, at a fraction of the
   * cost of a scan. Returns false when the body must be scanned instead.
   */
  private readWhole(chunk: Buffer, body: Buffer): boolean {
    const framing = this.framing;
    if (framing === null || framing === "sse") return false;
    if (chunk.length !== this.contentLength) return false;
    if (body.length > DEFAULT_MAX_VALUE_BYTES) return false;

    const object = readSmallObject(body, {
      select: this.interpreter.members,
      lines: framing === "lines",
    });
    if (object === null) return false;

    this.reader = WHOLE_BODY_READ;
    this.readValue(object);
    return true;
  }

  private createReader(framing: Framing): BodyReader {
    const select = this.interpreter.members;
    if (framing === "sse") {
      return new SseReader({
        select,
        onEvent: (event) => this.readEvent(event),
      });
    }

    return new JsonScanner({
      mode: framing,
      select,
      onResult: (result) => this.readValue(result),
    });
  }

  private readValue(result: ScanResult): void {
    this.values++;
    if (result.kind !== "object") return;
    this.interpreter.read(result, null, this.atMs);
    if (this.completion) captureResponseText(result.members, this.completion);
  }

  // `data: [DONE]` and `data: null` carry nothing to read.
  private readEvent(event: SseEvent): void {
    if (event.done || event.result?.kind !== "object") return;
    this.interpreter.read(event.result, event.type, this.atMs);
    if (this.completion)
      captureResponseText(event.result.members, this.completion);
  }
}
