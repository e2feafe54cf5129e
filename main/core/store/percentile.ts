/**
 * Computes the `fraction` quantile (0 to 1) of values sorted ascending, or
 * null for an empty list. It interpolates linearly between the two closest
 * ranks: with n values the quantile sits at zero-based rank (n - 1) * fraction.
 * This is method 7 of Hyndman and Fan (1996), the default of NumPy and R.
 */
export function quantileOfSorted(
  sorted: readonly number[],
  fraction: number,
): number | null {
  if (sorted.length === 0) return null;

  const rank = (sorted.length - 1) * fraction;
  const lowerRank = Math.floor(rank);
  const upperRank = Math.ceil(rank);
  const lower = sorted[lowerRank] as number;
  const upper = sorted[upperRank] as number;

  return lower + (upper - lower) * (rank - lowerRank);
}

/** Median and 95th percentile of a set of values, null when the set is empty. */
export interface Percentiles {
  p50: number | null;
  p95: number | null;
}

/** Computes p50 and p95 of `values` (any order) without changing the input. */
export function computePercentiles(values: Iterable<number>): Percentiles {
  const sorted = Array.from(values).sort((a, b) => a - b);

  return {
    p50: quantileOfSorted(sorted, 0.5),
    p95: quantileOfSorted(sorted, 0.95),
  };
}
