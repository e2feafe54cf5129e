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
import type { Endpoint, ResponseFacts } from "./types.js";

// Embedding vectors (`data`) are skipped unread.
const OPENAI_MEMBERS: ReadonlySet<string> = new Set([
  "model",
  "choices",
  "usage",
  "timings",
  "stats",
  "error",
]);

// Text fields of a chat choice's `delta` (streams) or `message` (single bodies).
// llama.cpp and vLLM send thinking as `reasoning_content`, Ollama as `reasoning`.
// NOTE: `tool_calls` argument deltas are not counted, so a stream that only
// calls tools and sends no usage gets no output estimate.
const TEXT_FIELDS = ["content", "reasoning_content", "reasoning"] as const;

/** Server figures from llama.cpp `timings`, used when no `usage` came. */
interface Timings {
  promptTokens: number | null;
  outputTokens: number | null;
}

/**
 * Reads OpenAI-style `/v1/chat/completions`, `/v1/completions` and
 * `/v1/embeddings` bodies, one JSON body or SSE chunks. The last non-zero
 * `usage` wins, because some servers send running totals on every chunk.
 * llama.cpp `timings` and LM Studio `stats` give the server's own rate.
 */
export class OpenAiInterpreter implements BodyInterpreter {
  readonly members = OPENAI_MEMBERS;
  private readonly builder = new FactsBuilder();
  private readonly isEmbeddings: boolean;
  private timings: Timings = { promptTokens: null, outputTokens: null };

  constructor(endpoint: Endpoint) {
    this.isEmbeddings = endpoint.kind === "openai-embeddings";
  }

  read(object: ScannedObject, _eventType: string | null, atMs: number): void {
    const members = object.members;

    const error = readErrorMessage(object);
    if (error !== null) this.builder.setError(error);
    this.builder.setModel(members["model"]);

    this.readUsage(readObject(members["usage"]));
    this.readTimings(readObject(members["timings"]));
    this.readStats(readObject(members["stats"]));
    this.readChoices(object, atMs);
  }

  finish(streamed: boolean): ResponseFacts {
    const facts = this.builder.facts;
    facts.promptTokens ??= this.timings.promptTokens;
    if (!this.isEmbeddings) facts.outputTokens ??= this.timings.outputTokens;
    return this.builder.finish(streamed, !this.isEmbeddings);
  }

  private readUsage(usage: Record<string, unknown> | null): void {
    if (usage === null || isZeroUsage(usage)) return;

    const facts = this.builder.facts;
    facts.promptTokens = readCount(usage["prompt_tokens"]);
    if (!this.isEmbeddings)
      facts.outputTokens = readCount(usage["completion_tokens"]);
  }

  /** llama.cpp `timings`, in milliseconds. */
  private readTimings(timings: Record<string, unknown> | null): void {
    if (timings === null) return;

    const facts = this.builder.facts;
    const predictedTokens = readCount(timings["predicted_n"]);
    const predictedMs = readCount(timings["predicted_ms"]);
    this.timings = {
      promptTokens: readCount(timings["prompt_n"]),
      outputTokens: predictedTokens,
    };
    facts.promptEvalMs = readCount(timings["prompt_ms"]);
    facts.evalMs = predictedMs;

    // The count over the duration is exact, while `predicted_per_second` is often rounded.
    if (
      predictedTokens !== null &&
      predictedTokens > 0 &&
      predictedMs !== null &&
      predictedMs > 0
    ) {
      facts.serverTokensPerSecond = (predictedTokens * 1000) / predictedMs;
    } else {
      facts.serverTokensPerSecond = positiveOrNull(
        timings["predicted_per_second"],
      );
    }
  }

  /** LM Studio `stats`, in seconds. */
  private readStats(stats: Record<string, unknown> | null): void {
    if (stats === null) return;

    const facts = this.builder.facts;
    facts.serverTokensPerSecond ??= positiveOrNull(stats["tokens_per_second"]);
    facts.serverTtftMs ??= secondsToMs(stats["time_to_first_token"]);
    facts.evalMs ??= secondsToMs(stats["generation_time"]);
  }

  private readChoices(object: ScannedObject, atMs: number): void {
    const choices = object.members["choices"];
    let bytes = droppedBytesAt(object.dropped, "choices");

    if (Array.isArray(choices)) {
      for (const choice of choices) {
        const fields = readObject(choice);
        if (fields === null) continue;

        bytes += choiceTextBytes(fields);
        const finishReason = fields["finish_reason"];
        if (typeof finishReason === "string")
          this.builder.facts.doneReason = finishReason;
      }
    }

    this.builder.markText(atMs, bytes);
  }
}

/** Returns the UTF-8 bytes of one choice's text: chat `delta` or `message` fields, or completions `text`. */
function choiceTextBytes(choice: Record<string, unknown>): number {
  let bytes = textBytesOf(choice["text"]);
  for (const holder of [
    readObject(choice["delta"]),
    readObject(choice["message"]),
  ]) {
    if (holder === null) continue;
    for (const field of TEXT_FIELDS) bytes += textBytesOf(holder[field]);
  }
  return bytes;
}

function positiveOrNull(value: unknown): number | null {
  const count = readCount(value);
  return count !== null && count > 0 ? count : null;
}

function secondsToMs(value: unknown): number | null {
  const seconds = readCount(value);
  return seconds === null ? null : seconds * 1000;
}
