import { describe, expect, it } from "vitest";

import {
  createMetrics,
  type Metrics,
} from "../../../main/core/metrics/metrics.js";
import { runPromtool, type PromtoolResult } from "../../support/promtool.js";
import { makeErrorRecord, makeRecord } from "../store/make-record.js";

/** Runs `promtool check metrics` on `body`. */
function checkMetrics(body: string): PromtoolResult {
  return runPromtool(["check", "metrics"], body);
}

function metricsWithData(): Metrics {
  const metrics = createMetrics({
    inFlight: () => 2,
    proxyEnabled: () => true,
    gpu: () => [
      {
        index: 0,
        name: "NVIDIA H200",
        vendor: "nvidia",
        busId: "00000000:19:00.0",
        utilizationRatio: 0,
        memoryUsedBytes: 1_000_000,
        memoryTotalBytes: 150_000_000_000,
        temperatureCelsius: 35,
        powerWatts: null,
        sampledAt: "2025-01-01T00:00:00.000Z",
      },
    ],
  });

  metrics.observe(makeRecord({ model: "llama3.2:3b" }));
  metrics.observe(
    makeRecord({
      model: 'odd "name"\\with\nbreak',
      endpoint: "/v1/chat/completions",
    }),
  );
  metrics.observe(
    makeRecord({
      model: null,
      doneReason: "load",
      tokensPerSecond: null,
      ttftMs: null,
    }),
  );
  metrics.observe(makeErrorRecord({ model: "missing", status: 404 }));
  metrics.observe(makeErrorRecord({ outcome: "aborted", status: null }));
  return metrics;
}

describe("promtool check metrics", () => {
  it("accepts the exposition with data and reports nothing", async () => {
    const { body } = await metricsWithData().render();

    const result = checkMetrics(body);

    expect(result.output).toBe("");
    expect(result.status).toBe(0);
  });

  it("accepts the exposition of a fresh process and reports nothing", async () => {
    const metrics = createMetrics({
      inFlight: () => 0,
      proxyEnabled: () => false,
      gpu: () => [],
    });
    const { body } = await metrics.render();

    const result = checkMetrics(body);

    expect(result.output).toBe("");
    expect(result.status).toBe(0);
  });
});
