import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  startProxyHarness,
  type ProxyHarness,
} from "../../support/proxy-harness.js";
import { runPromtool, type PromtoolResult } from "../../support/promtool.js";
import {
  type ActiveTarget,
  type PrometheusServer,
  parseYaml,
  startPrometheus,
  writeYaml,
} from "../prometheus-server.js";

const PROMETHEUS_DIR = fileURLToPath(
  new URL("../../../deploy/prometheus/", import.meta.url),
);
const CONFIGS = ["prometheus-single.yml", "prometheus-fleet.yml"];

interface ScrapeConfig {
  job_name: string;
  static_configs?: { targets: string[]; labels?: Record<string, string> }[];
  file_sd_configs?: { files: string[] }[];
  relabel_configs?: { target_label?: string }[];
}

interface PrometheusConfig {
  global: Record<string, unknown>;
  scrape_configs: ScrapeConfig[];
}

async function readConfig(file: string): Promise<PrometheusConfig> {
  return parseYaml(
    await readFile(join(PROMETHEUS_DIR, file), "utf8"),
  ) as PrometheusConfig;
}

function jobNamed(config: PrometheusConfig, name: string): ScrapeConfig {
  const job = config.scrape_configs.find(
    (candidate) => candidate.job_name === name,
  );
  if (!job) throw new Error(`No scrape job "${name}" in the configuration.`);
  return job;
}

/** Runs `promtool check config` on a file of the shipped configurations. */
function checkConfig(file: string): PromtoolResult {
  return runPromtool(["check", "config", join(PROMETHEUS_DIR, file)]);
}

describe("Prometheus configurations", () => {
  it.each(CONFIGS)("pass promtool check config: %s", (file) => {
    const result = checkConfig(file);

    expect(result.output).toContain("SUCCESS");
    expect(result.status).toBe(0);
  });

  it("labels the single machine with a host", async () => {
    const job = jobNamed(await readConfig("prometheus-single.yml"), "tokentap");

    expect(job.static_configs?.[0]?.labels?.host).toBe("localhost");
  });

  it("lists several static hosts and a file_sd job for the fleet", async () => {
    const config = await readConfig("prometheus-fleet.yml");
    const staticTargets = jobNamed(config, "tokentap").static_configs?.flatMap(
      (group) => group.targets,
    );
    const fileSd = jobNamed(config, "tokentap-file-sd").file_sd_configs;

    expect(staticTargets?.length).toBeGreaterThanOrEqual(3);
    expect(fileSd?.[0]?.files).toEqual(["targets/tokentap-*.yml"]);
  });

  describe("fleet relabelling in a real Prometheus", () => {
    let harness: ProxyHarness;
    let prometheus: PrometheusServer;
    let workDir: string;
    let targets: ActiveTarget[];

    /** Returns the `host` labels Prometheus gave the targets of `job`, sorted. */
    function hostsOf(job: string): string[] {
      return targets
        .filter((target) => target.labels.job === job)
        .map((target) => target.labels.host ?? "")
        .sort();
    }

    beforeAll(async () => {
      harness = await startProxyHarness();
      const port = new URL(harness.baseUrl).port;
      workDir = await mkdtemp(join(tmpdir(), "tokentap-fleet-"));

      // The placeholder addresses become loopback ones: the same core, once
      // by address and once by a name that carries its own host label.
      const config = await readConfig("prometheus-fleet.yml");
      config.global.scrape_interval = "1s";
      jobNamed(config, "tokentap").static_configs = [
        { targets: [`127.0.0.1:${port}`], labels: { site: "lab" } },
        { targets: [`localhost:${port}`], labels: { host: "build-server" } },
      ];
      const targetFile = join(workDir, "tokentap-test.yml");
      await writeFile(
        targetFile,
        writeYaml([{ targets: [`127.0.0.1:${port}`] }]),
      );
      jobNamed(config, "tokentap-file-sd").file_sd_configs = [
        { files: [targetFile] },
      ];

      prometheus = await startPrometheus(writeYaml(config));
      await prometheus.waitForScrapesAfter(Date.now(), 3);
      targets = await prometheus.activeTargets();
    }, 60_000);

    afterAll(async () => {
      await prometheus?.stop();
      await harness?.stop();
      if (workDir) await rm(workDir, { recursive: true, force: true });
    });

    it("takes host from the address unless the target sets it", () => {
      expect(hostsOf("tokentap")).toEqual(["127.0.0.1", "build-server"]);
    });

    it("relabels targets found through file_sd", () => {
      expect(hostsOf("tokentap-file-sd")).toEqual(["127.0.0.1"]);
    });

    it("scrapes every target", () => {
      expect(targets.map((target) => target.health)).toEqual([
        "up",
        "up",
        "up",
      ]);
    });

    it("stores the host label on the scraped series", async () => {
      const response = await prometheus.query(
        "count by (host) (tokentap_proxy_enabled)",
      );
      const hosts = response.data.result
        .map((sample) => sample.metric.host)
        .sort();

      expect(hosts).toEqual(["127.0.0.1", "build-server"]);
    });
  });
});
