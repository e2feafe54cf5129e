import { describe, expect, it } from "vitest";

import { ErrorLogLimiter } from "../../main/core/error-log-limiter.js";
import { createMemoryLogger } from "./gpu/fake-tools.js";

function createLimiter() {
  const clock = { now: 0 };
  const { logger, lines } = createMemoryLogger();
  const limiter = new ErrorLogLimiter(logger, 1000, () => clock.now);
  return { limiter, lines, clock };
}

describe("ErrorLogLimiter", () => {
  it("logs the first error of a code at warn", () => {
    const { limiter, lines } = createLimiter();

    limiter.report("SAMPLE_TIMEOUT", "GPU sample failed", { error: "slow" });

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /WARN \[gpu\] GPU sample failed code=SAMPLE_TIMEOUT error=slow$/,
    );
  });

  it("counts repeats within the window", () => {
    const { limiter, lines, clock } = createLimiter();

    limiter.report("SAMPLE_TIMEOUT", "GPU sample failed");
    clock.now = 500;
    limiter.report("SAMPLE_TIMEOUT", "GPU sample failed");
    limiter.report("SAMPLE_TIMEOUT", "GPU sample failed");
    clock.now = 1500;
    limiter.report("SAMPLE_TIMEOUT", "GPU sample failed");

    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/repeats=2$/);
  });

  it("limits each code on its own", () => {
    const { limiter, lines } = createLimiter();

    limiter.report("SAMPLE_TIMEOUT", "GPU sample failed");
    limiter.report("PROBE_EXITED", "GPU sample failed");

    expect(lines).toHaveLength(2);
  });
});

describe("ErrorLogLimiter memory", () => {
  it("forgets codes beyond its bound", () => {
    const { logger, lines } = createMemoryLogger();
    let now = 0;
    const limiter = new ErrorLogLimiter(logger, 1000, () => now);

    for (let code = 0; code <= 100; code += 1)
      limiter.report(`E${code}`, "failed");
    now += 1;
    limiter.report("E0", "failed");

    expect(lines.filter((line) => line.includes("code=E0"))).toHaveLength(2);
  });
});
