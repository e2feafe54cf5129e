import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { throttle } from "../../main/shell/throttle.js";

describe("throttle", () => {
  beforeEach(() => {
    vi.useFakeTimers({
      toFake: ["setTimeout", "clearTimeout", "performance"],
    });
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it("runs the first call at once", () => {
    let runs = 0;
    throttle(() => runs++, 500).call();

    expect(runs).toBe(1);
  });

  it("collapses calls within the interval into one run at its end", () => {
    let runs = 0;
    const throttled = throttle(() => runs++, 500);

    throttled.call();
    throttled.call();
    throttled.call();
    expect(runs).toBe(1);

    vi.advanceTimersByTime(499);
    expect(runs).toBe(1);

    vi.advanceTimersByTime(1);
    expect(runs).toBe(2);
  });

  it("runs at once again after a quiet interval", () => {
    let runs = 0;
    const throttled = throttle(() => runs++, 500);

    throttled.call();
    vi.advanceTimersByTime(600);
    throttled.call();

    expect(runs).toBe(2);
  });

  it("drops a pending run when cancelled", () => {
    let runs = 0;
    const throttled = throttle(() => runs++, 500);

    throttled.call();
    throttled.call();
    throttled.cancel();
    vi.advanceTimersByTime(1000);

    expect(runs).toBe(1);
  });
});
