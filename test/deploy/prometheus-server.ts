import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import yaml from "js-yaml";

import { delay } from "../support/fake-upstream.js";
import { freePort } from "../support/free-port.js";

/** Parses YAML text, such as a Prometheus configuration. */
export function parseYaml(text: string): unknown {
  return yaml.load(text);
}

/** Writes `value` as YAML, expanding anchors so the output is self-contained. */
export function writeYaml(value: unknown): string {
  return yaml.dump(value, { noRefs: true });
}

/** One series of an instant query result. */
export interface InstantSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** The body of a Prometheus HTTP API response. */
export interface ApiResponse<T> {
  status: "success" | "error";
  error?: string;
  data: T;
}

/** A target as `/api/v1/targets` lists it, labels already relabelled. */
export interface ActiveTarget {
  labels: Record<string, string>;
  scrapePool: string;
  health: string;
}

/** A Prometheus server started by a test, on a free loopback port with its own storage. */
export interface PrometheusServer {
  url: string;
  query(promql: string): Promise<ApiResponse<{ result: InstantSample[] }>>;
  activeTargets(): Promise<ActiveTarget[]>;
  /** Waits until at least `targetCount` targets were scraped after `since` (epoch milliseconds). */
  waitForScrapesAfter(since: number, targetCount: number): Promise<void>;
  /** The server's log so far, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

/** Starts `prometheus` with `config` (YAML text), and fails with install advice when the binary is missing. */
export async function startPrometheus(
  config: string,
): Promise<PrometheusServer> {
  const workDir = await mkdtemp(join(tmpdir(), "tokentap-prometheus-"));
  const configFile = join(workDir, "prometheus.yml");
  await writeFile(configFile, config);

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let log = "";
  const child: ChildProcess = spawn("prometheus", [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${join(workDir, "data")}`,
    `--web.listen-address=127.0.0.1:${port}`,
  ]);
  child.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  const spawnFailure = new Promise<never>((_, reject) =>
    child.once("error", (error) =>
      reject(
        new Error(
          `Could not start prometheus (install Debian's prometheus package): ${error.message}`,
        ),
      ),
    ),
  );

  const getJson = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${url}${path}`);
    return (await response.json()) as T;
  };

  const server: PrometheusServer = {
    url,
    query: (promql) =>
      getJson(`/api/v1/query?query=${encodeURIComponent(promql)}`),
    activeTargets: async () =>
      (
        await getJson<ApiResponse<{ activeTargets: ActiveTarget[] }>>(
          "/api/v1/targets",
        )
      ).data.activeTargets,
    waitForScrapesAfter: (since, targetCount) =>
      waitForScrapes(server, since, targetCount),
    log: () => log,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      await rm(workDir, { recursive: true, force: true });
    },
  };

  await Promise.race([waitUntilReady(url, () => log), spawnFailure]);
  return server;
}

/** Polls `/-/ready` every 100 ms for at most 30 s. */
async function waitUntilReady(url: string, log: () => string): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    const ready = await fetch(`${url}/-/ready`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    await delay(100);
  }
  throw new Error(`Prometheus was not ready within 30 s; its log:\n${log()}`);
}

/**
 * Polls `timestamp(up)` every 200 ms for at most 30 s. The selector must
 * stay bare, because `timestamp()` of a computed vector such as `up == 1`
 * returns the evaluation time rather than the scrape time.
 */
async function waitForScrapes(
  server: PrometheusServer,
  since: number,
  targetCount: number,
): Promise<void> {
  for (let attempt = 0; attempt < 150; attempt += 1) {
    const scraped = await server.query("timestamp(up)").then(
      (response) => response.data.result,
      () => [],
    );
    const fresh = scraped.filter(
      (sample) => Number(sample.value[1]) * 1000 > since,
    );
    if (fresh.length >= targetCount) return;
    await delay(200);
  }
  throw new Error(
    `Prometheus took no fresh scrape of ${targetCount} targets within 30 s; its log:\n${server.log()}`,
  );
}
