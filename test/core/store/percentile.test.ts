import { describe, expect, it } from "vitest";

import {
  computePercentiles,
  quantileOfSorted,
} from "../../../main/core/store/percentile.js";

describe("quantileOfSorted", () => {
  it("returns null for no values", () => {
    expect(quantileOfSorted([], 0.5)).toBeNull();
  });

  it("returns the only value of a single-value set", () => {
    expect(quantileOfSorted([7], 0.95)).toBe(7);
  });

  it("interpolates between the closest ranks", () => {
    // Rank (4 - 1) * 0.5 = 1.5 sits halfway between 20 and 30.
    expect(quantileOfSorted([10, 20, 30, 40], 0.5)).toBe(25);
  });

  it("returns the extremes at 0 and 1", () => {
    expect(quantileOfSorted([1, 2, 3], 0)).toBe(1);
    expect(quantileOfSorted([1, 2, 3], 1)).toBe(3);
  });
});

describe("computePercentiles", () => {
  it("computes p50 and p95 of unsorted values", () => {
    const result = computePercentiles([5, 1, 4, 2, 3]);

    expect(result.p50).toBe(3);
    // Rank 4 * 0.95 = 3.8, so 4 + 0.8 * (5 - 4).
    expect(result.p95).toBeCloseTo(4.8, 10);
  });

  it("leaves the input order unchanged", () => {
    const values = [3, 1, 2];

    computePercentiles(values);

    expect(values).toEqual([3, 1, 2]);
  });

  it("returns null percentiles for an empty set", () => {
    expect(computePercentiles([])).toEqual({ p50: null, p95: null });
  });
});
