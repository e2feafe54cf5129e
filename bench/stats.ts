/** Percentiles of a sample, in the sample's unit. */
export interface Summary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/** Summarises a sample with nearest-rank percentiles; an empty sample gives zeros. */
export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) return { count: 0, p50: 0, p99: 0, max: 0 };

  const sorted = Float64Array.from(values).sort();
  return {
    count: sorted.length,
    p50: nearestRank(sorted, 0.5),
    p99: nearestRank(sorted, 0.99),
    max: sorted[sorted.length - 1] ?? 0,
  };
}

function nearestRank(sorted: Float64Array, quantile: number): number {
  const rank = Math.ceil(quantile * sorted.length);
  return sorted[Math.max(0, rank - 1)] ?? 0;
}
