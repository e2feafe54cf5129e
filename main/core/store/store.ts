import type { Logger } from "../log.js";
import { copyRecord, type GpuSample, type RequestRecord } from "../record.js";
import { ListenerSet } from "./listener-set.js";
import { ModelTally } from "./model-tally.js";
import { computePercentiles } from "./percentile.js";
import { decodeRateOf, tokenCountOf } from "./record-values.js";
import { Ring } from "./ring.js";
import type {
  ModelStats,
  Problem,
  ProblemInput,
  RatePercentiles,
  RecordListener,
  StoreOptions,
  StoreTotals,
} from "./types.js";

export const DEFAULT_STORE_CAPACITY = 1000;
/** Upper bound on `capacity`, because the ring allocates all its slots up front. */
export const MAX_STORE_CAPACITY = 1_000_000;
export const DEFAULT_MAX_MODELS = 1000;
/** Upper bound on `maxModels`, so a client inventing model names cannot grow memory without limit. */
export const MAX_TRACKED_MODELS = 100_000;

/**
 * The in-memory store of request records: a ring of the latest records,
 * per-model aggregates that outlive the ring, lifetime totals, the latest
 * GPU samples and the latest problem to show the user. Every read returns
 * new arrays of frozen objects, so a caller cannot change what the store keeps.
 */
export class Store {
  readonly maxModels: number;
  #ring: Ring<Readonly<RequestRecord>>;
  readonly #tallies = new Map<string | null, ModelTally>();
  readonly #listeners: ListenerSet;
  readonly #logger: Logger | undefined;
  #modelLimitLogged = false;
  #ringPercentiles: RatePercentiles | null = null;
  #totals: StoreTotals;
  #gpu: readonly Readonly<GpuSample>[] = [];
  #problem: Readonly<Problem> | null = null;

  constructor(options: StoreOptions = {}) {
    const capacity = validateLimit(
      "capacity",
      options.capacity ?? DEFAULT_STORE_CAPACITY,
      MAX_STORE_CAPACITY,
    );
    this.maxModels = validateLimit(
      "maxModels",
      options.maxModels ?? DEFAULT_MAX_MODELS,
      MAX_TRACKED_MODELS,
    );
    this.#ring = new Ring(capacity);
    this.#logger = options.logger;
    this.#listeners = new ListenerSet(options.logger);
    this.#totals = {
      requests: 0,
      promptTokens: 0,
      outputTokens: 0,
      errors: 0,
      aborted: 0,
      since: new Date().toISOString(),
    };
  }

  /** Number of records the ring keeps. */
  get capacity(): number {
    return this.#ring.capacity;
  }

  /**
   * Changes the number of records the ring keeps, keeping the newest ones
   * that fit. Per-model aggregates and totals are not affected.
   */
  resize(capacity: number): void {
    const next = new Ring<Readonly<RequestRecord>>(
      validateLimit("capacity", capacity, MAX_STORE_CAPACITY),
    );
    const kept = Array.from(this.#ring.newestFirst(next.capacity)).reverse();

    for (const record of kept) next.push(record);
    this.#ring = next;
    this.#ringPercentiles = null;
  }

  /** Adds a live record as the newest, updates aggregates and totals, then runs the `onAdd` listeners. */
  add(record: RequestRecord): void {
    const stored = Object.freeze(copyRecord(record));
    const rate = decodeRateOf(stored);

    this.#ring.push(stored);
    this.#ringPercentiles = null;

    const tally = this.#tallyFor(stored.model);
    tally?.count(stored, rate);
    if (rate !== null) tally?.pushRate(rate);

    this.#countTotals(stored);
    this.#listeners.notify(stored);
  }

  /**
   * Adds history read at start, given oldest first, behind every record the
   * ring already holds. All of it counts in `byModel` and `lastSeen`. When it
   * does not fit, the ring keeps the records already there and the newest of
   * `records`. It runs no listeners and leaves `totals` alone.
   */
  preload(records: readonly RequestRecord[]): void {
    const stored = records.map((record) => Object.freeze(copyRecord(record)));
    const ratesByModel = new Map<ModelTally, number[]>();

    for (const record of stored) {
      const tally = this.#tallyFor(record.model);
      if (tally === null) continue;

      const rate = decodeRateOf(record);
      tally.count(record, rate);
      if (rate === null) continue;

      const rates = ratesByModel.get(tally) ?? [];
      rates.push(rate);
      ratesByModel.set(tally, rates);
    }

    for (const [tally, rates] of ratesByModel) tally.prependRates(rates);
    this.#ring.prependOlder(stored);
    this.#ringPercentiles = null;
  }

  /** Returns up to `count` records from the ring, newest first; all of them when `count` is omitted. */
  recent(count: number = this.capacity): Readonly<RequestRecord>[] {
    validateCount("recent", count);

    return Array.from(this.#ring.newestFirst(count));
  }

  /**
   * Returns the decode rates in tokens per second of the latest `count` rated
   * records in the ring, oldest first, for sparklines. Unrated records are
   * skipped, so fewer than `count` rates come back only when the ring has fewer.
   */
  tokRates(count: number = this.capacity): number[] {
    validateCount("tokRates", count);

    const rates: number[] = [];
    for (const record of this.#ring.newestFirst()) {
      if (rates.length >= count) break;

      const rate = decodeRateOf(record);
      if (rate !== null) rates.push(rate);
    }

    return rates.reverse();
  }

  /**
   * Returns the ISO 8601 end time of the latest request `model` served (ended
   * `ok`, or returned output tokens before failing), or null if it served none.
   * Records the ring has dropped still count.
   */
  lastSeen(model: string | null): string | null {
    return this.#tallies.get(model)?.lastSeen ?? null;
  }

  /** Returns per-model aggregates, most requests first, ties by model name, with null last. */
  byModel(): ModelStats[] {
    const stats = Array.from(this.#tallies.values(), (tally) =>
      tally.toStats(),
    );

    return stats.sort(compareBusiestFirst);
  }

  /** Returns p50 and p95 of the decode rates of the rated records in the ring. */
  percentiles(): RatePercentiles {
    if (this.#ringPercentiles === null) {
      const rates = this.tokRates();
      this.#ringPercentiles = Object.freeze({
        ...computePercentiles(rates),
        samples: rates.length,
      });
    }

    return { ...this.#ringPercentiles };
  }

  /** Runs `listener` after each live `add` and returns a function that unsubscribes it. */
  onAdd(listener: RecordListener): () => void {
    return this.#listeners.subscribe(listener);
  }

  /** Replaces the latest GPU samples. */
  setGpu(samples: readonly GpuSample[]): void {
    this.#gpu = Object.freeze(
      samples.map((sample) => Object.freeze({ ...sample })),
    );
  }

  /** Returns the latest GPU samples, or an empty array before the first `setGpu`. */
  gpu(): Readonly<GpuSample>[] {
    return [...this.#gpu];
  }

  /** Sets the problem to show the user; null clears it, like `clearError`. */
  setError(problem: ProblemInput | null, at: Date = new Date()): void {
    if (problem === null) {
      this.#problem = null;
      return;
    }

    const code = (problem as { code?: unknown }).code;
    this.#problem = Object.freeze({
      message: problem.message,
      ...(typeof code === "string" ? { code } : {}),
      at: at.toISOString(),
    });
  }

  /** Clears the problem set by `setError`. */
  clearError(): void {
    this.#problem = null;
  }

  /** Returns the problem set by `setError`, or null when there is none. */
  error(): Readonly<Problem> | null {
    return this.#problem;
  }

  /** Returns the lifetime totals of live records since the store was created. */
  totals(): StoreTotals {
    return { ...this.#totals };
  }

  #countTotals(record: Readonly<RequestRecord>): void {
    this.#totals.requests += 1;
    this.#totals.promptTokens += tokenCountOf(record.promptTokens);
    this.#totals.outputTokens += tokenCountOf(record.outputTokens);
    if (record.outcome === "error" || record.outcome === "upstream_error")
      this.#totals.errors += 1;
    if (record.outcome === "aborted") this.#totals.aborted += 1;
  }

  /** Returns the tally of `model`, or null once `maxModels` other models are tracked. */
  #tallyFor(model: string | null): ModelTally | null {
    const existing = this.#tallies.get(model);
    if (existing !== undefined) return existing;

    if (this.#tallies.size >= this.maxModels) {
      this.#warnModelLimit(model);
      return null;
    }

    const created = new ModelTally(model);
    this.#tallies.set(model, created);
    return created;
  }

  #warnModelLimit(model: string | null): void {
    if (this.#modelLimitLogged) return;

    this.#modelLimitLogged = true;
    this.#logger?.warn(
      "store model limit reached, further models count only in totals",
      {
        maxModels: this.maxModels,
        model,
      },
    );
  }
}

function compareBusiestFirst(a: ModelStats, b: ModelStats): number {
  if (a.requests !== b.requests) return b.requests - a.requests;
  if (a.model === b.model) return 0;
  if (a.model === null) return 1;
  if (b.model === null) return -1;

  return a.model < b.model ? -1 : 1;
}

function validateLimit(name: string, value: number, max: number): number {
  if (Number.isInteger(value) && value >= 1 && value <= max) return value;

  throw new RangeError(
    `Invalid store ${name} ${String(value)}: expected an integer from 1 to ${max}.`,
  );
}

function validateCount(method: string, count: number): void {
  if (Number.isInteger(count) && count >= 0) return;

  throw new RangeError(
    `Invalid count ${String(count)} for ${method}: expected an integer of 0 or more.`,
  );
}
