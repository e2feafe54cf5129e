import {
  FactsBuilder,
  droppedBytesAt,
  readCount,
  readErrorMessage,
  readObject,
  textBytesOf,
} from "./facts-builder.js";
import type { BodyInterpreter } from "./facts-builder.js";
import type { ScannedObject } from "./json-scanner.js";
import type { ResponseFacts } from "./types.js";

const ANTHROPIC_MEMBERS: ReadonlySet<string> = new Set([
  "type",
  "model",
  "message",
  "delta",
  "usage",
  "content",
  "stop_reason",
  "error",
]);

/**
 * Reads Anthropic-style `/v1/messages` bodies. In a stream, `message_start`
 * carries the input tokens (its `output_tokens` is a placeholder, not the
 * count), `message_delta` the final output tokens and stop reason, and
 * `content_block_delta` events the text. A single body is the message.
 */
export class AnthropicInterpreter implements BodyInterpreter {
  readonly members = ANTHROPIC_MEMBERS;
  private readonly builder = new FactsBuilder();

  read(object: ScannedObject, eventType: string | null, atMs: number): void {
    const members = object.members;
    const type =
      typeof members["type"] === "string" ? members["type"] : eventType;

    const error = readErrorMessage(object);
    if (error !== null) this.builder.setError(error);

    switch (type) {
      case "message_start":
        this.readMessageStart(readObject(members["message"]));
        break;
      case "message_delta":
        this.readMessageDelta(members);
        break;
      case "content_block_delta":
        this.builder.markText(atMs, deltaTextBytes(object));
        break;
      case "message":
        this.readMessage(object, atMs);
        break;
    }
  }

  finish(streamed: boolean): ResponseFacts {
    return this.builder.finish(streamed, true);
  }

  private readMessageStart(message: Record<string, unknown> | null): void {
    if (message === null) return;

    this.builder.setModel(message["model"]);
    const usage = readObject(message["usage"]);
    const inputTokens = readCount(usage?.["input_tokens"]);
    if (inputTokens !== null) this.builder.facts.promptTokens = inputTokens;
  }

  private readMessageDelta(members: Record<string, unknown>): void {
    const facts = this.builder.facts;
    const usage = readObject(members["usage"]);

    const outputTokens = readCount(usage?.["output_tokens"]);
    if (outputTokens !== null) facts.outputTokens = outputTokens;
    const inputTokens = readCount(usage?.["input_tokens"]);
    if (inputTokens !== null) facts.promptTokens = inputTokens;

    const stopReason = readObject(members["delta"])?.["stop_reason"];
    if (typeof stopReason === "string") facts.doneReason = stopReason;
  }

  /** Reads a whole, non-streamed message body. */
  private readMessage(object: ScannedObject, atMs: number): void {
    const members = object.members;
    const facts = this.builder.facts;
    this.builder.setModel(members["model"]);

    const usage = readObject(members["usage"]);
    facts.promptTokens = readCount(usage?.["input_tokens"]);
    facts.outputTokens = readCount(usage?.["output_tokens"]);

    const stopReason = members["stop_reason"];
    if (typeof stopReason === "string") facts.doneReason = stopReason;

    this.builder.markText(atMs, contentTextBytes(object));
  }
}

/** Returns the UTF-8 bytes of a `content_block_delta`'s text: `text_delta` text or `thinking_delta` thinking. */
function deltaTextBytes(object: ScannedObject): number {
  const delta = readObject(object.members["delta"]);
  const dropped = object.dropped;

  return (
    textBytesOf(delta?.["text"]) +
    textBytesOf(delta?.["thinking"]) +
    droppedBytesAt(dropped, "delta", "text") +
    droppedBytesAt(dropped, "delta", "thinking")
  );
}

/** Returns the UTF-8 bytes of text in a message's `content` blocks. */
function contentTextBytes(object: ScannedObject): number {
  const content = object.members["content"];
  let bytes = droppedBytesAt(object.dropped, "content");
  if (!Array.isArray(content)) return bytes;

  for (const block of content) {
    const fields = readObject(block);
    bytes += textBytesOf(fields?.["text"]) + textBytesOf(fields?.["thinking"]);
  }
  return bytes;
}
