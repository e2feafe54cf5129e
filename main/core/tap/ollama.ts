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
import type { Endpoint } from "./types.js";

// `context` and `embeddings` can be megabytes long and are skipped unread.
const OLLAMA_MEMBERS: ReadonlySet<string> = new Set([
  "model",
  "response",
  "thinking",
  "message",
  "done_reason",
  "error",
  "prompt_eval_count",
  "eval_count",
  "total_duration",
  "load_duration",
  "prompt_eval_duration",
  "eval_duration",
]);

const NANOSECONDS_PER_MS = 1e6;

/**
 * Reads Ollama `/api/generate`, `/api/chat` and `/api/embed` bodies: NDJSON
 * lines, or one object without `stream`. The final `done: true` object
 * carries the counts and durations (in nanoseconds), each omitted when the
 * server has no value, such as `prompt_eval_count` on a prompt-cache hit.
 */
export class OllamaInterpreter implements BodyInterpreter {
  readonly members = OLLAMA_MEMBERS;
  private readonly builder = new FactsBuilder();
  private readonly isEmbed: boolean;

  constructor(endpoint: Endpoint) {
    this.isEmbed = endpoint.kind === "ollama-embed";
  }

  read(object: ScannedObject, _eventType: string | null, atMs: number): void {
    const members = object.members;
    const facts = this.builder.facts;

    const error = readErrorMessage(object);
    if (error !== null) this.builder.setError(error);
    this.builder.setModel(members["model"]);
    this.builder.markText(atMs, textBytes(object));

    const promptTokens = readCount(members["prompt_eval_count"]);
    if (promptTokens !== null) facts.promptTokens = promptTokens;
    this.readDurations(members);

    const doneReason = members["done_reason"];
    if (typeof doneReason === "string") facts.doneReason = doneReason;
    if (this.isEmbed) return;

    const evalCount = readCount(members["eval_count"]);
    if (evalCount !== null) facts.outputTokens = evalCount;

    // Rate from the raw nanoseconds, before any rounding to milliseconds.
    const evalNs = readCount(members["eval_duration"]);
    if (evalCount !== null && evalCount > 0 && evalNs !== null && evalNs > 0) {
      facts.serverTokensPerSecond = (evalCount * 1e9) / evalNs;
    }
  }

  finish(streamed: boolean) {
    return this.builder.finish(streamed, !this.isEmbed);
  }

  private readDurations(members: Record<string, unknown>): void {
    const facts = this.builder.facts;
    facts.serverTotalMs =
      toMs(members["total_duration"]) ?? facts.serverTotalMs;
    facts.loadMs = toMs(members["load_duration"]) ?? facts.loadMs;
    facts.promptEvalMs =
      toMs(members["prompt_eval_duration"]) ?? facts.promptEvalMs;
    if (!this.isEmbed)
      facts.evalMs = toMs(members["eval_duration"]) ?? facts.evalMs;
  }
}

/** Returns the UTF-8 bytes of generated text in one object: `response` (generate), `message.content` (chat) and `thinking` in either. */
function textBytes(object: ScannedObject): number {
  const members = object.members;
  const message = readObject(members["message"]);
  const dropped = object.dropped;

  return (
    textBytesOf(members["response"]) +
    textBytesOf(members["thinking"]) +
    textBytesOf(message?.["content"]) +
    textBytesOf(message?.["thinking"]) +
    droppedBytesAt(dropped, "response") +
    droppedBytesAt(dropped, "thinking") +
    droppedBytesAt(dropped, "message", "content") +
    droppedBytesAt(dropped, "message", "thinking")
  );
}

function toMs(nanoseconds: unknown): number | null {
  const value = readCount(nanoseconds);
  return value === null ? null : value / NANOSECONDS_PER_MS;
}
