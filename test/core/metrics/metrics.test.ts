import {
  type Metric,
  type OpenMetricsContentType,
  register as globalRegistry,
  Registry,
} from "prom-client";
import { describe, expect, it } from "vitest";

import { createLogger } from "../../../main/core/log.js";
import {
  createMetrics,
  type MetricsProviders,
} from "../../../main/core/metrics/metrics.js";
import type { GpuSample } from "../../../main/core/record.js";
import { makeErrorRecord, makeRecord } from "../store/make-record.js";
import { findSample, samplesNamed } from "./parse-exposition.js";

function providers(
  overrides: Partial<MetricsProviders> = {},
): MetricsProviders {
  return {
    inFlight: () => 0,
    proxyEnabled: () => true,
    gpu: () => [],
    ...overrides,
  };
}

function gpuSample(overrides: Partial<GpuSample> = {}): GpuSample {
  return {
    index: 0,
    name: "NVIDIA H200",
    vendor: "nvidia",
    busId: null,
    utilizationRatio: 0.5,
    memoryUsedBytes: 1024,
    memoryTotalBytes: 4096,
    temperatureCelsius: 40,
    powerWatts: 120,
    sampledAt: "2025-01-01T00:00:00.000Z",
    ...overrides,
  };
}

async function renderBody(
  metrics: ReturnType<typeof createMetrics>,
): Promise<string> {
  return (await metrics.render()).body;
}

describe("Metrics counters", () => {
  it("counts requests by model, endpoint, outcome and status", async () => {
    const metrics = createMetrics(providers());
    metrics.observe(makeRecord({ model: "a" }));
    metrics.observe(makeRecord({ model: "a" }));
    metrics.observe(makeErrorRecord({ model: "a", status: 404 }));
    const body = await renderBody(metrics);

    const labels = { model: "a", endpoint: "/api/chat" };
    expect(
      findSample(body, "tokentap_requests_total", {
        ...labels,
        outcome: "ok",
        status: "200",
      }),
    ).toBe(2);
    expect(
      findSample(body, "tokentap_requests_total", {
        ...labels,
        outcome: "error",
        status: "404",
      }),
    ).toBe(1);
  });

  it("labels a request with no status as none", async () => {
    const metrics = createMetrics(providers());
    metrics.observe(makeErrorRecord({ outcome: "aborted", status: null }));
    const body = await renderBody(metrics);

    expect(
      findSample(body, "tokentap_requests_total", {
        outcome: "aborted",
        status: "none",
      }),
    ).toBe(1);
  });

  it("sums prompt and generation tokens", async () => {
    const metrics = createMetrics(providers());
    metrics.observe(
      makeRecord({ model: "a", promptTokens: 3, outputTokens: 7 }),
    );
    metrics.observe(
      makeRecord({ model: "a", promptTokens: 4, outputTokens: 8 }),
    );
    const body = await renderBody(metrics);

    expect(
      findSample(body, "tokentap_prompt_tokens_total", { model: "a" }),
    ).toBe(7);
    expect(
      findSample(body, "tokentap_generation_tokens_total", { model: "a" }),
    ).toBe(15);
  });

  it("labels a record without a model as unknown", async () => {
    const metrics = createMetrics(providers());
    metrics.observe(makeRecord({ model: null }));
    const body = await renderBody(metrics);

    expect(
      findSample(body, "tokentap_requests_total", { model: "unknown" }),
    ).toBe(1);
  });

  it("reports models beyond the label limit as other", async () => {
    const metrics = createMetrics(providers(), { maxModelLabels: 2 });
    for (const model of ["a", "b", "c", "d"])
      metrics.observe(makeRecord({ model }));
    const body = await renderBody(metrics);

    expect(
      findSample(body, "tokentap_requests_total", { model: "other" }),
    ).toBe(2);
    expect(
      findSample(body, "tokentap_requests_total", { model: "c" }),
    ).toBeUndefined();
  });

  it("cuts long model names", async () => {
    const metrics = createMetrics(providers());
    metrics.observe(makeRecord({ model: "m".repeat(1000) }));
    const body = await renderBody(metrics);

    const [sample] = samplesNamed(body, "tokentap_requests_total");
    expect(sample?.labels.model?.length).toBeLessThan(200);
  });
});

describe("Metrics histograms", () => {
  it("observes TTFT, latency and decode rate in base units", async () => {
    const metrics = createMetrics(providers());
    metrics.observe(
      makeRecord({
        model: "a",
        ttftMs: 250,
        totalMs: 1500,
        tokensPerSecond: 42,
      }),
    );
    const body = await renderBody(metrics);

    expect(
      findSample(body, "tokentap_time_to_first_token_seconds_sum", {
        model: "a",
      }),
    ).toBe(0.25);
    expect(
      findSample(body, "tokentap_e2e_request_latency_seconds_sum", {
        model: "a",
      }),
    ).toBe(1.5);
    expect(
      findSample(body, "tokentap_decode_tokens_per_second_sum", { model: "a" }),
    ).toBe(42);
  });

  it("skips null values", async () => {
    const metrics = createMetrics(providers());
    metrics.observe(
      makeRecord({
        model: "a",
        ttftMs: null,
        totalMs: null,
        tokensPerSecond: null,
        promptTokens: null,
        outputTokens: null,
      }),
    );
    const body = await renderBody(metrics);

    expect(findSample(body, "tokentap_requests_total", { model: "a" })).toBe(1);
    expect(
      samplesNamed(body, "tokentap_time_to_first_token_seconds_count"),
    ).toEqual([]);
    expect(
      samplesNamed(body, "tokentap_e2e_request_latency_seconds_count"),
    ).toEqual([]);
    expect(
      samplesNamed(body, "tokentap_decode_tokens_per_second_count"),
    ).toEqual([]);
    expect(samplesNamed(body, "tokentap_prompt_tokens_total")).toEqual([]);
    expect(samplesNamed(body, "tokentap_generation_tokens_total")).toEqual([]);
  });

  it("observes no TTFT or rate for a model load", async () => {
    const metrics = createMetrics(providers());
    metrics.observe(
      makeRecord({
        model: "a",
        doneReason: "load",
        ttftMs: 3000,
        tokensPerSecond: 10,
      }),
    );
    const body = await renderBody(metrics);

    expect(
      samplesNamed(body, "tokentap_time_to_first_token_seconds_count"),
    ).toEqual([]);
    expect(
      samplesNamed(body, "tokentap_decode_tokens_per_second_count"),
    ).toEqual([]);
    expect(
      findSample(body, "tokentap_e2e_request_latency_seconds_count", {
        model: "a",
      }),
    ).toBe(1);
  });

  it("ignores negative and non-finite values", async () => {
    const metrics = createMetrics(providers());

    expect(() =>
      metrics.observe(
        makeRecord({
          model: "a",
          promptTokens: -1,
          ttftMs: Number.NaN,
          totalMs: Infinity,
        }),
      ),
    ).not.toThrow();
    const body = await renderBody(metrics);

    expect(samplesNamed(body, "tokentap_prompt_tokens_total")).toEqual([]);
    expect(
      samplesNamed(body, "tokentap_time_to_first_token_seconds_count"),
    ).toEqual([]);
  });
});

describe("Metrics gauges", () => {
  it("reads in-flight and proxy state at scrape time", async () => {
    let inFlight = 1;
    let enabled = true;
    const metrics = createMetrics(
      providers({ inFlight: () => inFlight, proxyEnabled: () => enabled }),
    );
    await renderBody(metrics);

    inFlight = 3;
    enabled = false;
    const body = await renderBody(metrics);

    expect(findSample(body, "tokentap_requests_in_flight")).toBe(3);
    expect(findSample(body, "tokentap_proxy_enabled")).toBe(0);
  });

  it("writes one series per GPU labelled by index and name", async () => {
    const samples = [
      gpuSample({ index: 0 }),
      gpuSample({ index: 1, name: "NVIDIA L4", memoryUsedBytes: 2048 }),
    ];
    const metrics = createMetrics(providers({ gpu: () => samples }));
    const body = await renderBody(metrics);

    expect(
      findSample(body, "tokentap_gpu_memory_used_bytes", {
        gpu: "1",
        name: "NVIDIA L4",
      }),
    ).toBe(2048);
    expect(samplesNamed(body, "tokentap_gpu_power_watts")).toHaveLength(2);
  });

  it("omits a GPU value that is null", async () => {
    const metrics = createMetrics(
      providers({
        gpu: () => [gpuSample({ powerWatts: null, temperatureCelsius: null })],
      }),
    );
    const body = await renderBody(metrics);

    expect(samplesNamed(body, "tokentap_gpu_power_watts")).toEqual([]);
    expect(samplesNamed(body, "tokentap_gpu_temperature_celsius")).toEqual([]);
    expect(
      findSample(body, "tokentap_gpu_utilization_ratio", { gpu: "0" }),
    ).toBe(0.5);
  });

  it("keeps a GPU value of 0", async () => {
    const metrics = createMetrics(
      providers({ gpu: () => [gpuSample({ utilizationRatio: 0 })] }),
    );
    const body = await renderBody(metrics);

    expect(body).toContain(
      'tokentap_gpu_utilization_ratio{gpu="0",name="NVIDIA H200"} 0\n',
    );
  });

  it("drops series of a GPU that disappeared", async () => {
    let samples = [gpuSample({ index: 0 }), gpuSample({ index: 1 })];
    const metrics = createMetrics(providers({ gpu: () => samples }));
    await renderBody(metrics);

    samples = [gpuSample({ index: 0 })];
    const body = await renderBody(metrics);

    expect(samplesNamed(body, "tokentap_gpu_power_watts")).toHaveLength(1);
  });

  it("logs a failing provider and renders the rest", async () => {
    const lines: string[] = [];
    const logger = createLogger((_level, line) => lines.push(line));
    const failing = providers({
      inFlight: () => {
        throw new Error("counter gone");
      },
      gpu: () => {
        throw new Error("sampler gone");
      },
    });
    const metrics = createMetrics(failing, { logger });
    metrics.observe(makeRecord({ model: "a" }));
    const body = await renderBody(metrics);

    expect(findSample(body, "tokentap_requests_in_flight")).toBeNaN();
    expect(findSample(body, "tokentap_requests_total", { model: "a" })).toBe(1);
    expect(lines.some((line) => line.includes("counter gone"))).toBe(true);
    expect(lines.some((line) => line.includes("sampler gone"))).toBe(true);
  });
});

describe("Metrics exposition", () => {
  it("renders Prometheus text by default", async () => {
    const exposition = await createMetrics(providers()).render();

    expect(exposition.contentType).toBe(
      "text/plain; version=0.0.4; charset=utf-8",
    );
  });

  it("renders OpenMetrics when the Accept header asks for it", async () => {
    const metrics = createMetrics(providers());
    metrics.observe(makeRecord({ model: "a" }));

    const exposition = await metrics.render(
      "application/openmetrics-text; version=1.0.0",
    );

    expect(exposition.contentType).toBe(
      "application/openmetrics-text; version=1.0.0; charset=utf-8",
    );
    expect(exposition.body).toContain("# TYPE tokentap_requests counter\n");
    expect(
      findSample(exposition.body, "tokentap_requests_total", { model: "a" }),
    ).toBe(1);
    expect(exposition.body.endsWith("# EOF\n")).toBe(true);
  });

  it("renders OpenMetrics as prom-client's own renderer does", async () => {
    const metrics = createMetrics(providers({ gpu: () => [gpuSample()] }));
    metrics.observe(makeRecord({ model: "a" }));
    metrics.observe(makeErrorRecord({ model: "b", status: 500 }));
    const ours = await metrics.render("application/openmetrics-text");

    // prom-client renames the counters in place, so this reference render comes last.
    const reference = new Registry<OpenMetricsContentType>();
    reference.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    for (const metric of metrics.registry.getMetricsAsArray())
      reference.registerMetric(metric as unknown as Metric);

    expect(ours.body).toBe(await reference.metrics());
  });

  it("keeps counter names in Prometheus text after an OpenMetrics render", async () => {
    const metrics = createMetrics(providers());
    metrics.observe(makeRecord({ model: "a" }));
    await metrics.render("application/openmetrics-text");

    const body = await renderBody(metrics);

    expect(body).toContain("# TYPE tokentap_requests_total counter\n");
    expect(findSample(body, "tokentap_requests_total", { model: "a" })).toBe(1);
  });

  it("escapes quotes, backslashes and line breaks in label values", async () => {
    const metrics = createMetrics(providers());
    metrics.observe(makeRecord({ model: 'say "hi"\\\nnow' }));
    const body = await renderBody(metrics);

    expect(body).toContain('model="say \\"hi\\"\\\\\\nnow"');
    expect(
      findSample(body, "tokentap_requests_total", { model: 'say "hi"\\\nnow' }),
    ).toBe(1);
  });

  it("writes one HELP and one TYPE line per family", async () => {
    const body = await renderBody(
      createMetrics(providers({ gpu: () => [gpuSample()] })),
    );

    const typeLines = body
      .split("\n")
      .filter((line) => line.startsWith("# TYPE "));
    const helpLines = body
      .split("\n")
      .filter((line) => line.startsWith("# HELP "));
    expect(typeLines).toHaveLength(13);
    expect(helpLines).toHaveLength(13);
  });

  it("leaves prom-client's global registry empty", async () => {
    const metrics = createMetrics(providers());
    metrics.observe(makeRecord());

    expect(await globalRegistry.metrics()).not.toContain("tokentap_");
  });

  it("keeps metrics of separate instances apart", async () => {
    const first = createMetrics(providers());
    const second = createMetrics(providers());
    first.observe(makeRecord({ model: "a" }));

    expect(
      samplesNamed(await renderBody(second), "tokentap_requests_total"),
    ).toEqual([]);
  });
});
