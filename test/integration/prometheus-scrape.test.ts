import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { delay } from "../support/fake-upstream.js";
import { freePort } from "../support/free-port.js";
import { postJson } from "../support/http-client.js";
import {
  startProxyHarness,
  type ProxyHarness,
} from "../support/proxy-harness.js";

const STORE_SIZE = 5;
const REQUESTS = 12;

interface QueryResult {
  data: {
    result: Array<{ metric: Record<string, string>; value: [number, string] }>;
  };
}

describe("Prometheus scraping the proxy", () => {
  let harness: ProxyHarness;
  let prometheus: ChildProcess;
  let prometheusUrl: string;
  let workDir: string;
  let prometheusLog = "";

  async function query(promql: string): Promise<QueryResult["data"]["result"]> {
    const response = await fetch(
      `${prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`,
    );
    return ((await response.json()) as QueryResult).data.result;
  }

  /** Waits until Prometheus holds a scrape taken after `since` (seconds since the epoch). */
  async function waitForScrapeAfter(since: number): Promise<void> {
    for (let attempt = 0; attempt < 150; attempt += 1) {
      const result = await query('timestamp(up{job="tokentap"})').catch(
        () => [],
      );
      const scrapedAt = Number(result[0]?.value[1] ?? 0);
      if (scrapedAt > since) return;
      await delay(200);
    }
    throw new Error(
      `Prometheus took no scrape within 30 s; its log:\n${prometheusLog}`,
    );
  }

  beforeAll(async () => {
    harness = await startProxyHarness({ storeSize: STORE_SIZE });
    harness.upstream.setHandler((_req, res) =>
      res.end(
        '{"model":"llama3.2:3b","done":true,"eval_count":4,"eval_duration":80000000}',
      ),
    );

    workDir = await mkdtemp(join(tmpdir(), "tokentap-prometheus-"));
    const target = new URL(harness.baseUrl).host;
    await writeFile(
      join(workDir, "prometheus.yml"),
      [
        "global:",
        "  scrape_interval: 1s",
        "scrape_configs:",
        "  - job_name: tokentap",
        "    static_configs:",
        `      - targets: ["${target}"]`,
        "",
      ].join("\n"),
    );

    const port = await freePort();
    prometheusUrl = `http://127.0.0.1:${port}`;
    prometheus = spawn("prometheus", [
      `--config.file=${join(workDir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(workDir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ]);
    prometheus.stderr?.on(
      "data",
      (chunk: Buffer) => (prometheusLog += chunk.toString()),
    );
    prometheus.on("error", (error) => {
      prometheusLog += `\ncould not start prometheus (install Debian's prometheus package): ${error.message}`;
    });
  }, 60_000);

  afterAll(async () => {
    prometheus?.kill("SIGTERM");
    await harness?.stop();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it("counts every request, beyond the store size", async () => {
    for (let index = 0; index < REQUESTS; index += 1) {
      await postJson(`${harness.baseUrl}/api/chat`, {
        model: "llama3.2:3b",
        stream: false,
      });
    }
    const doneAt = Date.now() / 1000;

    await waitForScrapeAfter(doneAt);
    const total = await query('sum(tokentap_requests_total{job="tokentap"})');
    const tokens = await query(
      'sum(tokentap_generation_tokens_total{job="tokentap"})',
    );

    expect(harness.tokentap.store.recent(REQUESTS)).toHaveLength(STORE_SIZE);
    expect(Number(total[0]?.value[1])).toBe(REQUESTS);
    expect(Number(tokens[0]?.value[1])).toBe(REQUESTS * 4);
  }, 60_000);
});
