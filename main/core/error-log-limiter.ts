import type { LogFields, Logger } from "./log.js";

/** Default time after a logged error during which repeats of its code are only counted. */
export const DEFAULT_ERROR_LOG_WINDOW_MS = 5 * 60_000;

/** Distinct codes remembered; beyond it the memory is cleared, so a long run stays bounded. */
const MAX_TRACKED_CODES = 100;

/**
 * Logs caught errors at `warn`, at most one line per error code per window.
 * The first line after a quiet window carries `repeats`, the number of
 * errors with that code left out since the previous line.
 */
export class ErrorLogLimiter {
  readonly #logger: Logger;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, { loggedAt: number; repeats: number }>();

  constructor(
    logger: Logger,
    windowMs = DEFAULT_ERROR_LOG_WINDOW_MS,
    now: () => number = () => performance.now(),
  ) {
    this.#logger = logger;
    this.#windowMs = windowMs;
    this.#now = now;
  }

  /** Logs `message` for `code` unless a line for `code` was written within the window. */
  report(code: string, message: string, fields: LogFields = {}): void {
    const now = this.#now();
    const entry = this.#entries.get(code);

    if (entry !== undefined && now - entry.loggedAt < this.#windowMs) {
      entry.repeats += 1;
      return;
    }

    if (entry === undefined && this.#entries.size >= MAX_TRACKED_CODES) {
      this.#entries.clear();
    }

    const repeats = entry?.repeats ?? 0;
    this.#logger.warn(message, {
      code,
      ...fields,
      repeats: repeats > 0 ? repeats : undefined,
    });
    this.#entries.set(code, { loggedAt: now, repeats: 0 });
  }
}
