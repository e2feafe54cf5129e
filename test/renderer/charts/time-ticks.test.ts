import { describe, expect, it } from "vitest";

import { timeTicks } from "../../../renderer/src/charts/time-ticks.js";

const MINUTE = 60_000;
const START = Date.UTC(2026, 0, 1, 9, 0, 0);

describe("timeTicks", () => {
  it("puts a minute's ticks on 15 s steps", () => {
    const ticks = timeTicks(START + 3000, START + MINUTE + 3000);

    expect(ticks).toEqual([15, 30, 45, 60].map((s) => START + s * 1000));
  });

  it("keeps at most the given count", () => {
    for (const spanMs of [
      1000,
      45_000,
      7 * MINUTE,
      3 * 60 * MINUTE,
      30 * 24 * 60 * MINUTE,
    ]) {
      const ticks = timeTicks(START, START + spanMs, 6);
      expect(ticks.length, `span ${spanMs} ms`).toBeLessThanOrEqual(6);
      expect(ticks.length, `span ${spanMs} ms`).toBeGreaterThan(0);
    }
  });

  it("steps by whole minutes over an hour", () => {
    const ticks = timeTicks(START, START + 60 * MINUTE);

    expect(ticks).toEqual([0, 15, 30, 45, 60].map((m) => START + m * MINUTE));
  });

  it("returns one tick for a zero span on a step", () => {
    expect(timeTicks(START, START)).toEqual([START]);
  });
});
