import { readFileSync } from "node:fs";
import type { ServerResponse } from "node:http";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { GpuSample } from "../../../main/core/record.js";
import { readWireFixture } from "../../core/tap/wire-fixtures.js";
import { parseSamples } from "../../core/metrics/parse-exposition.js";
import {
  contentTypeFor,
  splitLines,
  writeInParts,
} from "../../support/fake-upstream.js";
import { postJson, send } from "../../support/http-client.js";
import {
  startProxyHarness,
  type ProxyHarness,
} from "../../support/proxy-harness.js";
import {
  type PrometheusServer,
  parseYaml,
  startPrometheus,
  writeYaml,
} from "../prometheus-server.js";
import {
  familyTypes,
  histogramFamilyOf,
  metricNamesIn,
} from "../promql-names.js";
import {
  allPanels,
  type Dashboard,
  dataPanels,
  loadDashboard,
  type Panel,
  substituteVariables,
  variableQuery,
} from "./dashboard-model.js";

const dashboard: Dashboard = loadDashboard();
const panels = dataPanels(dashboard);
const variables = dashboard.templating?.list ?? [];
const DATASOURCE = { type: "prometheus", uid: "${datasource}" };

const GPU: GpuSample = {
  index: 0,
  name: "NVIDIA H200",
  vendor: "nvidia",
  busId: "00000000:19:00.0",
  utilizationRatio: 0.4,
  memoryUsedBytes: 8_000_000_000,
  memoryTotalBytes: 150_000_000_000,
  temperatureCelsius: 41,
  powerWatts: 180,
  sampledAt: "2026-01-01T00:00:00.000Z",
};

function queriesOf(panel: Panel): string[] {
  return (panel.targets ?? []).map((target) => target.expr ?? "");
}

/** Each panel's title with its queries, for `it.each`. */
const PANEL_QUERIES = panels.map(
  (panel) => [panel.title ?? "", queriesOf(panel)] as const,
);

/** Replies the way Ollama does: a stream for /api/generate, one JSON body for /api/chat, and 404 for the model "missing". */
async function answerLikeOllama(
  url: string,
  body: Buffer,
  res: ServerResponse,
): Promise<void> {
  const request = JSON.parse(body.toString("utf8")) as { model?: string };
  if (request.model === "missing") {
    res.writeHead(404, { "content-type": "application/json; charset=utf-8" });
    res.end('{"error":"model \\"missing\\" not found, try pulling it first"}');
    return;
  }

  const file =
    url === "/api/generate"
      ? "ollama-generate-stream.ndjson"
      : "ollama-chat-nostream.json";
  res.writeHead(200, { "content-type": contentTypeFor(file) });
  await writeInParts(res, splitLines(readWireFixture(file)), 2);
}

/** Sends one streamed generation, one chat and one failing chat through the proxy. */
async function sendRequests(harness: ProxyHarness): Promise<void> {
  const records = [
    harness.nextRecord(),
    harness.nextRecord(),
    harness.nextRecord(),
  ];
  await postJson(`${harness.baseUrl}/api/generate`, {
    model: "llama3.2:3b",
    prompt: "Why is the sky blue?",
  });
  await postJson(`${harness.baseUrl}/api/chat`, {
    model: "llama3.2:3b",
    stream: false,
    messages: [],
  });
  await postJson(`${harness.baseUrl}/api/chat`, {
    model: "missing",
    stream: false,
    messages: [],
  });
  await Promise.all(records);
}

/** Starts a proxy whose upstream replies like Ollama, gives it a GPU sample and sends it requests, so that every dashboard metric has samples. */
async function startHarnessWithTraffic(): Promise<ProxyHarness> {
  const harness = await startProxyHarness();
  harness.upstream.setHandler((req, res, body) =>
    answerLikeOllama(req.url ?? "", body, res),
  );
  harness.tokentap.store.setGpu([GPU]);
  await sendRequests(harness);
  return harness;
}

describe("Grafana dashboard", () => {
  it("is a classic dashboard model of schema version 41", () => {
    expect(dashboard.schemaVersion).toBe(41);
    expect(dashboard.uid).toBe("tokentap-overview");
    expect(dashboard.title).toBe("Tokentap");
  });

  it("offers a Prometheus data source variable", () => {
    const datasource = variables.find(
      (variable) => variable.name === "datasource",
    );

    expect(datasource?.type).toBe("datasource");
    expect(variableQuery(datasource ?? {})).toBe("prometheus");
  });

  it("offers a host variable from label_values", () => {
    const host = variables.find((variable) => variable.name === "host");

    expect(host?.type).toBe("query");
    expect(variableQuery(host ?? {})).toMatch(
      /^label_values\(tokentap_\w+, host\)$/,
    );
    expect(host?.datasource).toEqual(DATASOURCE);
    expect(host?.multi).toBe(true);
    expect(host?.includeAll).toBe(true);
  });

  it("gives every panel a unique id", () => {
    const ids = allPanels(dashboard).map((panel) => panel.id);

    expect(ids.every((id) => Number.isInteger(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("gives every panel a title", () => {
    const untitled = allPanels(dashboard).filter(
      (panel) => !panel.title?.trim(),
    );

    expect(untitled).toEqual([]);
  });

  it.each(PANEL_QUERIES)("queries the data source variable in %s", (title) => {
    const panel = panels.find((candidate) => candidate.title === title);

    expect(panel?.datasource).toEqual(DATASOURCE);
    expect(panel?.targets?.length).toBeGreaterThan(0);
    for (const target of panel?.targets ?? [])
      expect(target.datasource).toEqual(DATASOURCE);
  });

  it.each(PANEL_QUERIES)("filters by host in %s", (_title, queries) => {
    for (const query of queries) expect(query).toContain('host=~"$host"');
  });

  it("aggregates every quantile by le", () => {
    const quantiles = panels
      .flatMap(queriesOf)
      .filter((query) => query.includes("histogram_quantile"));

    expect(quantiles.length).toBeGreaterThanOrEqual(6);
    for (const query of quantiles) {
      expect(query).toMatch(/sum by \(le\b/);
      expect(query).toMatch(/tokentap_\w+_bucket\{/);
    }
  });

  describe("against the /metrics of a running core", () => {
    let harness: ProxyHarness;
    let sampleNames: Set<string>;
    let types: Map<string, string>;

    beforeAll(async () => {
      harness = await startHarnessWithTraffic();

      const metrics = await send(harness.tokentap.metricsUrl);
      const text = metrics.body.toString("utf8");
      sampleNames = new Set(parseSamples(text).map((sample) => sample.name));
      types = familyTypes(text);
    });

    afterAll(async () => {
      await harness?.stop();
    });

    it.each(PANEL_QUERIES)("finds the metrics of %s", (_title, queries) => {
      const names = queries.flatMap(metricNamesIn);

      expect(names.length).toBeGreaterThan(0);
      for (const name of names) expect(sampleNames.has(name), name).toBe(true);
    });

    it.each(PANEL_QUERIES)(
      "reads only histograms by suffix in %s",
      (_title, queries) => {
        for (const name of queries.flatMap(metricNamesIn)) {
          const family = histogramFamilyOf(name);
          if (family !== null)
            expect(types.get(family), name).toBe("histogram");
        }
      },
    );

    it("finds the metrics of the template variables", () => {
      const names = variables.flatMap((variable) =>
        metricNamesIn(variableQuery(variable)),
      );

      expect(names.length).toBeGreaterThan(0);
      for (const name of names) expect(sampleNames.has(name), name).toBe(true);
    });
  });

  describe("in Prometheus with the single-machine configuration", () => {
    let harness: ProxyHarness;
    let prometheus: PrometheusServer;

    beforeAll(async () => {
      harness = await startHarnessWithTraffic();

      const config = parseYaml(
        readFileSync(
          new URL(
            "../../../deploy/prometheus/prometheus-single.yml",
            import.meta.url,
          ),
          "utf8",
        ),
      ) as {
        global: Record<string, unknown>;
        scrape_configs: { static_configs: { targets: string[] }[] }[];
      };
      config.global.scrape_interval = "1s";
      const staticConfig = config.scrape_configs[0]?.static_configs[0];
      if (!staticConfig)
        throw new Error("prometheus-single.yml has no static_configs target");
      staticConfig.targets = [new URL(harness.baseUrl).host];
      prometheus = await startPrometheus(writeYaml(config));

      // A second round between scrapes gives every rate() a nonzero increase.
      await prometheus.waitForScrapesAfter(Date.now(), 1);
      await sendRequests(harness);
      await prometheus.waitForScrapesAfter(Date.now(), 1);
    }, 60_000);

    afterAll(async () => {
      await prometheus?.stop();
      await harness?.stop();
    });

    it.each(PANEL_QUERIES)("returns series for %s", async (_title, queries) => {
      for (const query of queries) {
        // "localhost" is the host label prometheus-single.yml gives its target.
        const promql = substituteVariables(
          query,
          { host: "localhost", model: ".*" },
          "1m",
        );
        const response = await prometheus.query(promql);

        expect(response.error, promql).toBeUndefined();
        expect(response.status, promql).toBe("success");
        expect(response.data.result.length, promql).toBeGreaterThan(0);
      }
    });
  });
});
