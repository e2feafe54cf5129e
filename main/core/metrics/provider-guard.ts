import type { Logger } from "../log.js";

/** Logs the 1st failure of each provider, then every 100th, so a provider that always fails cannot flood the log. */
const LOG_EVERY_NTH_FAILURE = 100;

/**
 * Calls scrape-time providers so that one that throws costs only its own
 * series: the failure is logged and `fallback` is used in its place.
 */
export class ProviderGuard {
  readonly #logger: Logger | undefined;
  readonly #failures = new Map<string, number>();

  constructor(logger: Logger | undefined) {
    this.#logger = logger;
  }

  /** Returns `read()`, or `fallback` after logging when it throws. */
  read<T>(provider: string, read: () => T, fallback: T): T {
    try {
      return read();
    } catch (error) {
      this.#report(provider, error);
      return fallback;
    }
  }

  #report(provider: string, error: unknown): void {
    const failures = (this.#failures.get(provider) ?? 0) + 1;
    this.#failures.set(provider, failures);
    if (failures !== 1 && failures % LOG_EVERY_NTH_FAILURE !== 0) return;

    this.#logger?.error("metrics provider failed", {
      provider,
      error: error instanceof Error ? error.message : String(error),
      failures,
    });
  }
}
