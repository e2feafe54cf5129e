import { randomUUID } from "node:crypto";

import type { RequestRecord } from "../../main/core/record.js";
import { seededRandom } from "./seeded-random.js";

/** A model of the sample records and its typical decode rate, in tokens per second. */
export interface SampleModel {
  name: string;
  tokensPerSecond: number;
}

/** Eight models a local server might run, with decode rates from 12 to 95 tokens/s. */
export const SAMPLE_MODELS: readonly SampleModel[] = [
  { name: "llama3.2:3b", tokensPerSecond: 95 },
  { name: "phi3.5:3.8b", tokensPerSecond: 85 },
  { name: "qwen2.5-coder:7b", tokensPerSecond: 52 },
  { name: "llama3.1:8b", tokensPerSecond: 48 },
  { name: "gemma2:9b", tokensPerSecond: 40 },
  { name: "mistral-nemo:12b", tokensPerSecond: 31 },
  { name: "qwen2.5:14b", tokensPerSecond: 27 },
  { name: "deepseek-r1:32b", tokensPerSecond: 12 },
];

const UPSTREAM = "http://127.0.0.1:11434";
const FIRST_START_MS = Date.UTC(2026, 10, 1, 8, 0, 0);
/** Time between the starts of two sample requests, in milliseconds. */
const START_SPACING_MS = 1_300;

/**
 * Builds request records in the shape the proxy writes: Ollama chat and
 * generate requests and OpenAI chat completions across `SAMPLE_MODELS`,
 * mostly streamed, with about 6% errors, aborts and unreachable upstreams.
 * The same `seed` gives the same mix; ids are fresh UUIDs like the proxy's.
 */
export class SampleRecords {
  #index = 0;
  readonly #random: () => number;

  constructor(seed = 1) {
    this.#random = seededRandom(seed);
  }

  /** Builds the next record; each starts 1.3 s after the previous one. */
  next(): RequestRecord {
    const index = this.#index++;
    const model = this.#pick(SAMPLE_MODELS);
    const route = this.#pickRoute();
    const startedMs = FIRST_START_MS + index * START_SPACING_MS;
    const base = {
      id: randomUUID(),
      startedAt: new Date(startedMs).toISOString(),
      method: "POST",
      path: route.path,
      api: route.api,
      endpoint: route.path,
      upstream: UPSTREAM,
      model: model.name,
      streamed: this.#random() < 0.8,
      estimated: false,
      doneReason: null,
    } as const;

    const roll = this.#random();
    if (roll < 0.03) return this.#failed(base, startedMs, model.name);
    if (roll < 0.05) return this.#aborted(base, startedMs);
    if (roll < 0.06) return this.#unreachable(base, startedMs);
    return this.#completed(base, startedMs, model);
  }

  /** Builds `count` records. */
  take(count: number): RequestRecord[] {
    return Array.from({ length: count }, () => this.next());
  }

  #completed(
    base: RecordBase,
    startedMs: number,
    model: SampleModel,
  ): RequestRecord {
    const promptTokens = this.#between(20, 4_000);
    const outputTokens = this.#between(10, 1_500);
    const tokensPerSecond =
      model.tokensPerSecond * (0.8 + 0.4 * this.#random());
    const loadMs = this.#random() < 0.05 ? this.#between(1_500, 6_000) : null;
    const promptEvalMs = promptTokens * (0.2 + 0.3 * this.#random());
    const evalMs = (outputTokens / tokensPerSecond) * 1000;
    const totalMs = (loadMs ?? 0) + promptEvalMs + evalMs + 3;
    const isOllama = base.api === "ollama";
    let rateSource: RequestRecord["rateSource"] = "wall";
    if (isOllama) rateSource = "server";
    else if (base.streamed) rateSource = "stream";

    return {
      ...base,
      endedAt: new Date(startedMs + totalMs).toISOString(),
      status: 200,
      outcome: "ok",
      error: null,
      promptTokens,
      outputTokens,
      estimated: !isOllama && base.streamed && this.#random() < 0.3,
      tokensPerSecond: round(tokensPerSecond, 2),
      rateSource,
      ttftMs: base.streamed ? round((loadMs ?? 0) + promptEvalMs + 8, 1) : null,
      totalMs: round(totalMs, 1),
      loadMs: isOllama && loadMs !== null ? round(loadMs, 1) : null,
      promptEvalMs: isOllama ? round(promptEvalMs, 1) : null,
      evalMs: isOllama ? round(evalMs, 1) : null,
      doneReason: this.#random() < 0.9 ? "stop" : "length",
    };
  }

  #failed(base: RecordBase, startedMs: number, model: string): RequestRecord {
    const totalMs = this.#between(2, 40);
    return {
      ...base,
      ...noTokens(),
      endedAt: new Date(startedMs + totalMs).toISOString(),
      status: 404,
      outcome: "error",
      error: `model "${model}" not found, try pulling it first`,
      totalMs,
    };
  }

  #aborted(base: RecordBase, startedMs: number): RequestRecord {
    const totalMs = this.#between(200, 9_000);
    return {
      ...base,
      ...noTokens(),
      endedAt: new Date(startedMs + totalMs).toISOString(),
      status: 200,
      outcome: "aborted",
      error: "the client closed the connection before the response ended",
      outputTokens: this.#between(0, 300),
      totalMs,
    };
  }

  #unreachable(base: RecordBase, startedMs: number): RequestRecord {
    return {
      ...base,
      ...noTokens(),
      endedAt: new Date(startedMs + 1).toISOString(),
      status: 502,
      outcome: "upstream_error",
      error: "connect ECONNREFUSED 127.0.0.1:11434",
      totalMs: 1,
    };
  }

  #pickRoute(): { api: "ollama" | "openai"; path: string } {
    const roll = this.#random();
    if (roll < 0.5) return { api: "ollama", path: "/api/chat" };
    if (roll < 0.7) return { api: "ollama", path: "/api/generate" };
    return { api: "openai", path: "/v1/chat/completions" };
  }

  #pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.#random() * items.length)] as T;
  }

  #between(min: number, max: number): number {
    return min + Math.floor(this.#random() * (max - min + 1));
  }
}

type RecordBase = Pick<
  RequestRecord,
  | "id"
  | "startedAt"
  | "method"
  | "path"
  | "api"
  | "endpoint"
  | "upstream"
  | "model"
  | "streamed"
  | "estimated"
  | "doneReason"
>;

function noTokens() {
  return {
    promptTokens: null,
    outputTokens: null,
    tokensPerSecond: null,
    rateSource: null,
    ttftMs: null,
    loadMs: null,
    promptEvalMs: null,
    evalMs: null,
  } as const;
}

function round(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}
