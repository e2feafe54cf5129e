import { describe, expect, it } from "vitest";

import { Ring } from "../../../main/core/store/ring.js";

function filledRing(capacity: number, items: number[]): Ring<number> {
  const ring = new Ring<number>(capacity);
  for (const item of items) ring.push(item);
  return ring;
}

describe("Ring", () => {
  it("yields newest first before it is full", () => {
    const ring = filledRing(4, [1, 2, 3]);

    expect(Array.from(ring.newestFirst())).toEqual([3, 2, 1]);
    expect(ring.size).toBe(3);
  });

  it("drops the oldest items once full", () => {
    const ring = filledRing(3, [1, 2, 3, 4, 5]);

    expect(ring.toArray()).toEqual([3, 4, 5]);
    expect(ring.size).toBe(3);
  });

  it("limits newestFirst to the count asked for", () => {
    const ring = filledRing(3, [1, 2, 3, 4]);

    expect(Array.from(ring.newestFirst(2))).toEqual([4, 3]);
  });

  it("puts prepended items behind the current ones", () => {
    const ring = filledRing(5, [10, 11]);

    ring.prependOlder([1, 2]);

    expect(ring.toArray()).toEqual([1, 2, 10, 11]);
  });

  it("keeps current items and the newest prepended ones when over capacity", () => {
    const ring = filledRing(4, [10, 11]);

    ring.prependOlder([1, 2, 3, 4, 5]);

    expect(ring.toArray()).toEqual([4, 5, 10, 11]);
  });

  it("pushes after a prepend as the newest item", () => {
    const ring = filledRing(3, [10]);
    ring.prependOlder([1, 2]);

    ring.push(20);

    expect(ring.toArray()).toEqual([2, 10, 20]);
  });

  it("rejects a capacity that is not a positive integer", () => {
    expect(() => new Ring(0)).toThrow(RangeError);
  });
});
