import { Counter, Histogram } from "prom-client";

import type { RequestRecord } from "../record.js";
import { decodeRateOf } from "../store/record-values.js";
import type { Registry } from "prom-client";
import {
  DECODE_RATE_BUCKETS,
  E2E_LATENCY_BUCKETS_SECONDS,
  TTFT_BUCKETS_SECONDS,
} from "./buckets.js";

/** Label values of one record, already sanitised and capped. */
export interface RecordLabels {
  model: string;
  endpoint: string;
  outcome: string;
  status: string;
}

/** The counters and histograms fed from request records. */
export interface RequestFamilies {
  /** Counts `record` under the given labels. */
  observe(record: RequestRecord, labels: RecordLabels): void;
}

/** Registers the request counters and histograms into `registry`. */
export function registerRequestFamilies(registry: Registry): RequestFamilies {
  const registers = [registry];

  const requests = new Counter({
    name: "tokentap_requests_total",
    help: "Inference requests proxied, by model, endpoint, outcome and HTTP status.",
    labelNames: ["model", "endpoint", "outcome", "status"],
    registers,
  });
  const promptTokens = new Counter({
    name: "tokentap_prompt_tokens_total",
    help: "Prompt tokens the upstream server reported or the proxy estimated.",
    labelNames: ["model", "endpoint"],
    registers,
  });
  const generationTokens = new Counter({
    name: "tokentap_generation_tokens_total",
    help: "Output tokens the upstream server reported or the proxy estimated.",
    labelNames: ["model", "endpoint"],
    registers,
  });
  const ttft = new Histogram({
    name: "tokentap_time_to_first_token_seconds",
    help: "Time from receiving the request to the first output chunk, in seconds.",
    labelNames: ["model"],
    buckets: TTFT_BUCKETS_SECONDS,
    registers,
  });
  const latency = new Histogram({
    name: "tokentap_e2e_request_latency_seconds",
    help: "Request latency in seconds: the server's own total duration where it reports one, else the time from receiving the request to the end of the response.",
    labelNames: ["model", "endpoint"],
    buckets: E2E_LATENCY_BUCKETS_SECONDS,
    registers,
  });
  const decodeRate = new Histogram({
    name: "tokentap_decode_tokens_per_second",
    help: "Decode rate of generating requests, in output tokens per second.",
    labelNames: ["model"],
    buckets: DECODE_RATE_BUCKETS,
    registers,
  });

  return {
    observe(record, labels) {
      const { model, endpoint } = labels;

      requests.inc(labels);

      const prompt = countOrNull(record.promptTokens);
      if (prompt !== null) promptTokens.inc({ model, endpoint }, prompt);

      const output = countOrNull(record.outputTokens);
      if (output !== null) generationTokens.inc({ model, endpoint }, output);

      const totalMs = durationOrNull(record.totalMs);
      if (totalMs !== null)
        latency.observe({ model, endpoint }, totalMs / 1000);

      // A model load generates nothing, so its first-chunk time and rate are not inference figures.
      if (record.doneReason === "load") return;

      const ttftMs = durationOrNull(record.ttftMs);
      if (ttftMs !== null) ttft.observe({ model }, ttftMs / 1000);

      const rate = decodeRateOf(record);
      if (rate !== null) decodeRate.observe({ model }, rate);
    },
  };
}

/** Returns a count fit for `Counter.inc`, which throws on negative values, or null to skip it. */
function countOrNull(value: number | null): number | null {
  return value !== null && Number.isFinite(value) && value >= 0 ? value : null;
}

function durationOrNull(milliseconds: number | null): number | null {
  return milliseconds !== null &&
    Number.isFinite(milliseconds) &&
    milliseconds >= 0
    ? milliseconds
    : null;
}
