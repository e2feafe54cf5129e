import { describe, expect, it } from "vitest";

import {
  backoffIntervalMs,
  formatSeconds,
} from "../../../main/core/gpu/sampler-settings.js";

describe("backoffIntervalMs", () => {
  it("doubles per miss up to 60 s", () => {
    const intervals = [1, 2, 3, 4, 5, 6].map((misses) =>
      backoffIntervalMs(2000, misses),
    );

    expect(intervals).toEqual([4000, 8000, 16_000, 32_000, 60_000, 60_000]);
  });

  it("never goes below an interval longer than 60 s", () => {
    expect(backoffIntervalMs(90_000, 3)).toBe(90_000);
  });
});

describe("formatSeconds", () => {
  it("keeps one decimal", () => {
    expect(formatSeconds(2500)).toBe("2.5");
    expect(formatSeconds(60_000)).toBe("60");
  });
});
