import {
  FactsBuilder,
  droppedBytesAt,
  isZeroUsage,
  readCount,
  readErrorMessage,
  readObject,
  textBytesOf,
} from "./facts-builder.js";
import type { BodyInterpreter } from "./facts-builder.js";
import type { ScannedObject } from "./json-scanner.js";
import type { ResponseFacts } from "./types.js";

const RESPONSES_MEMBERS: ReadonlySet<string> = new Set([
  "type",
  "object",
  "model",
  "usage",
  "output",
  "incomplete_details",
  "response",
  "delta",
  "message",
  "error",
]);

// Stream events whose `delta` is generated text, reasoning included.
const TEXT_DELTA_EVENTS: ReadonlySet<string> = new Set([
  "response.output_text.delta",
  "response.reasoning_text.delta",
  "response.reasoning_summary_text.delta",
  "response.refusal.delta",
]);

/**
 * Reads OpenAI `/v1/responses` bodies. A stream's `response.*` lifecycle
 * events carry the response object, whose `usage` arrives with
 * `response.completed` (or `response.incomplete`, `response.failed`); text
 * arrives as `response.output_text.delta` events. A single body is the
 * response object itself.
 */
export class ResponsesInterpreter implements BodyInterpreter {
  readonly members = RESPONSES_MEMBERS;
  private readonly builder = new FactsBuilder();

  read(object: ScannedObject, eventType: string | null, atMs: number): void {
    const members = object.members;
    const type =
      typeof members["type"] === "string" ? members["type"] : eventType;

    if (members["object"] === "response") {
      this.readResponse(members, object, atMs);
      return;
    }

    const response = readObject(members["response"]);
    if (response !== null) this.readResponse(response, null, atMs);

    if (type !== null && TEXT_DELTA_EVENTS.has(type)) {
      const bytes =
        textBytesOf(members["delta"]) + droppedBytesAt(object.dropped, "delta");
      this.builder.markText(atMs, bytes);
    }

    if (type === "error") this.readErrorEvent(object);
  }

  finish(streamed: boolean): ResponseFacts {
    return this.builder.finish(streamed, true);
  }

  /** Reads a response object. `body` is set when the object is the whole, non-streamed body. */
  private readResponse(
    response: Record<string, unknown>,
    body: ScannedObject | null,
    atMs: number,
  ): void {
    const facts = this.builder.facts;
    this.builder.setModel(response["model"]);

    const usage = readObject(response["usage"]);
    if (usage !== null && !isZeroUsage(usage)) {
      facts.promptTokens = readCount(usage["input_tokens"]);
      facts.outputTokens = readCount(usage["output_tokens"]);
    }

    const reason = readObject(response["incomplete_details"])?.["reason"];
    if (typeof reason === "string") facts.doneReason = reason;

    const message = readObject(response["error"])?.["message"];
    if (typeof message === "string" && message !== "")
      this.builder.setError(message);

    if (body !== null) {
      const error = readErrorMessage(body);
      if (error !== null) this.builder.setError(error);
      this.builder.markText(atMs, outputTextBytes(body));
    }
  }

  private readErrorEvent(object: ScannedObject): void {
    const message = object.members["message"];
    if (typeof message === "string" && message !== "") {
      this.builder.setError(message);
      return;
    }

    const error = readErrorMessage(object);
    this.builder.setError(error ?? "error event without a message");
  }
}

/** Returns the UTF-8 bytes of text in a response body's `output` items. */
function outputTextBytes(body: ScannedObject): number {
  const output = body.members["output"];
  let bytes = droppedBytesAt(body.dropped, "output");
  if (!Array.isArray(output)) return bytes;

  for (const item of output) {
    const content = readObject(item)?.["content"];
    if (!Array.isArray(content)) continue;
    for (const part of content)
      bytes += textBytesOf(readObject(part)?.["text"]);
  }
  return bytes;
}
