import type { RequestRecord } from "../record.js";
import { computePercentiles, type Percentiles } from "./percentile.js";
import { tokenCountOf } from "./record-values.js";
import { Ring } from "./ring.js";
import type { ModelStats } from "./types.js";

/** Rated requests per model that p50 and p95 are computed from. */
export const MODEL_RATE_WINDOW = 256;

/**
 * Running aggregates for one model. Counts and sums never shrink, and only
 * the window of recent decode rates is bounded.
 */
export class ModelTally {
  readonly model: string | null;
  requests = 0;
  errors = 0;
  promptTokens = 0;
  outputTokens = 0;
  ratedRequests = 0;
  #rateSum = 0;
  /** Epoch milliseconds of the latest served request. */
  #lastSeenMs: number | null = null;
  /** Allocated on the first rate, so models that only fail cost no window. */
  #rates: Ring<number> | null = null;
  #percentiles: Percentiles | null = null;

  constructor(model: string | null) {
    this.model = model;
  }

  /** Counts `record` in the sums and the last-seen time, but not in the rate window. */
  count(record: RequestRecord, rate: number | null): void {
    this.requests += 1;
    if (record.outcome === "error" || record.outcome === "upstream_error")
      this.errors += 1;
    this.promptTokens += tokenCountOf(record.promptTokens);
    this.outputTokens += tokenCountOf(record.outputTokens);

    if (rate !== null) {
      this.ratedRequests += 1;
      this.#rateSum += rate;
    }

    const servedMs = servedAtMs(record);
    if (
      servedMs !== null &&
      (this.#lastSeenMs === null || servedMs > this.#lastSeenMs)
    ) {
      this.#lastSeenMs = servedMs;
    }
  }

  /** Appends a live rate as the newest entry of the window. */
  pushRate(rate: number): void {
    this.#window().push(rate);
    this.#percentiles = null;
  }

  /** Places preloaded rates (oldest first) behind the live ones in the window. */
  prependRates(rates: readonly number[]): void {
    if (rates.length === 0) return;

    this.#window().prependOlder(rates);
    this.#percentiles = null;
  }

  get lastSeen(): string | null {
    return this.#lastSeenMs === null
      ? null
      : new Date(this.#lastSeenMs).toISOString();
  }

  /** Copies the aggregates into a plain object. */
  toStats(): ModelStats {
    this.#percentiles ??= computePercentiles(this.#rates?.newestFirst() ?? []);

    return {
      model: this.model,
      requests: this.requests,
      errors: this.errors,
      promptTokens: this.promptTokens,
      outputTokens: this.outputTokens,
      ratedRequests: this.ratedRequests,
      meanTokensPerSecond:
        this.ratedRequests === 0 ? null : this.#rateSum / this.ratedRequests,
      p50TokensPerSecond: this.#percentiles.p50,
      p95TokensPerSecond: this.#percentiles.p95,
      lastSeen: this.lastSeen,
    };
  }

  #window(): Ring<number> {
    this.#rates ??= new Ring<number>(MODEL_RATE_WINDOW);
    return this.#rates;
  }
}

/**
 * Returns when the model served `record`, in epoch milliseconds, or null if
 * it served nothing. A request counts as served when it ended `ok` or when
 * output tokens came back before it failed or was aborted. The time is
 * `endedAt`, or `startedAt` when `endedAt` does not parse.
 */
function servedAtMs(record: RequestRecord): number | null {
  const served =
    record.outcome === "ok" || tokenCountOf(record.outputTokens) > 0;
  if (!served) return null;

  const ended = Date.parse(record.endedAt);
  if (Number.isFinite(ended)) return ended;

  const started = Date.parse(record.startedAt);
  return Number.isFinite(started) ? started : null;
}
