import { TokentapError } from "../errors.js";

export const DEFAULT_GPU_SAMPLE_INTERVAL_MS = 2000;
export const MIN_GPU_SAMPLE_INTERVAL_MS = 250;
/** Maximum interval the sampler backs off to while samples find no GPU or fail. */
export const MAX_GPU_BACKOFF_INTERVAL_MS = 60_000;
export const DEFAULT_GPU_SAMPLE_TIMEOUT_MS = 10_000;
export const MIN_GPU_SAMPLE_TIMEOUT_MS = 100;

/** Returns the interval after `missStreak` consecutive misses: doubled per miss, capped at 60 s or `intervalMs` if longer. */
export function backoffIntervalMs(
  intervalMs: number,
  missStreak: number,
): number {
  return Math.min(intervalMs * 2 ** missStreak, maxBackoffMs(intervalMs));
}

/** Returns the backoff ceiling: 60 s, or `intervalMs` when that is longer. */
export function maxBackoffMs(intervalMs: number): number {
  return Math.max(MAX_GPU_BACKOFF_INTERVAL_MS, intervalMs);
}

/** Returns `value` when it is an integer of at least `minimum` milliseconds. */
export function validateMilliseconds(
  name: string,
  value: number,
  minimum: number,
): number {
  if (Number.isInteger(value) && value >= minimum) return value;

  throw new TokentapError(
    "INVALID_SETTING",
    `GPU sampler ${name} must be an integer number of milliseconds of at least ${minimum}; got ${String(value)}. Pass ${minimum} or more.`,
  );
}

/** Formats milliseconds as seconds with at most one decimal, for log messages. */
export function formatSeconds(milliseconds: number): string {
  return String(Math.round(milliseconds / 100) / 10);
}
