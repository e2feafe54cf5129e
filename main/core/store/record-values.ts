import type { RequestRecord } from "../record.js";

/**
 * Returns the decode rate in tokens per second that rate statistics should
 * use, or null for a record without one. Model loads (`doneReason` "load")
 * generate nothing, so they never count even if a rate was set. Zero,
 * negative and non-finite values are treated as missing.
 */
export function decodeRateOf(record: RequestRecord): number | null {
  if (record.doneReason === "load") return null;

  const rate = record.tokensPerSecond;
  if (rate === null || !Number.isFinite(rate) || rate <= 0) return null;

  return rate;
}

/** Returns a token count usable in sums: the value when finite and not negative, otherwise 0. */
export function tokenCountOf(count: number | null): number {
  if (count === null || !Number.isFinite(count) || count < 0) return 0;

  return count;
}
