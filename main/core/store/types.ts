import type { Logger } from "../log.js";
import type { RequestRecord } from "../record.js";

/** Options for `Store`. */
export interface StoreOptions {
  /** Number of records kept in the ring, from 1 to `MAX_STORE_CAPACITY`. Default 1000. */
  capacity?: number;
  /** Distinct models tracked by `byModel` and `lastSeen`, from 1 to `MAX_TRACKED_MODELS`. Default 1000. */
  maxModels?: number;
  /** Receives failures of `onAdd` listeners and the model limit warning. */
  logger?: Logger;
}

/** A callback run after each live record is added. A throw or a rejected promise from it is logged and does not reach `add`. */
export type RecordListener = (
  record: Readonly<RequestRecord>,
) => void | Promise<void>;

/** Per-model aggregates, as returned by `Store.byModel`. */
export interface ModelStats {
  /** Model name, or null for requests that named no model. */
  model: string | null;
  /** Requests added or preloaded since the process started. */
  requests: number;
  /** Requests with outcome `error` or `upstream_error`. */
  errors: number;
  promptTokens: number;
  outputTokens: number;
  /** Requests with a decode rate, the ones the rate statistics cover. */
  ratedRequests: number;
  /** Mean decode rate in tokens per second over all rated requests since start. */
  meanTokensPerSecond: number | null;
  /** Median decode rate over the model's last `MODEL_RATE_WINDOW` rated requests. */
  p50TokensPerSecond: number | null;
  /** 95th percentile decode rate over the same window as `p50TokensPerSecond`. */
  p95TokensPerSecond: number | null;
  /** ISO 8601 end time of the model's latest served request, or null. */
  lastSeen: string | null;
}

/** Decode rate percentiles over the records in the ring. */
export interface RatePercentiles {
  p50: number | null;
  p95: number | null;
  /** Number of rated records the percentiles were computed from. */
  samples: number;
}

/** Lifetime counters of live records; preloaded history is not included. */
export interface StoreTotals {
  requests: number;
  promptTokens: number;
  outputTokens: number;
  /** Requests with outcome `error` or `upstream_error`. */
  errors: number;
  /** Requests the client hung up on before the end. */
  aborted: number;
  /** ISO 8601 time the store was created, which the counts start from. */
  since: string;
}

/** The last problem worth showing the user, such as the proxy port being taken. */
export interface Problem {
  message: string;
  /** Machine-readable code, for example `EADDRINUSE`. */
  code?: string;
  /** ISO 8601 time the problem was set. */
  at: string;
}

/** Input of `Store.setError`: an Error, whose string `code` is kept, or a plain message. */
export type ProblemInput = Error | { message: string; code?: string };
