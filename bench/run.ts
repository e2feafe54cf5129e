import { mkdir, writeFile } from "node:fs/promises";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";

import { BenchChild } from "./bench-child.js";
import { benchConfig } from "./config.js";
import { checkCoreTargets, countBadCoreStreams } from "./core/core-targets.js";
import { measureCore } from "./core-phases.js";
import { describeMachine } from "./machine.js";
import { measureMemory } from "./memory-phase.js";
import {
  measureRequests,
  measureStreams,
  warmUp,
  type BenchProcesses,
  type StreamPair,
} from "./phases.js";
import { startReferenceProxies } from "./reference-proxies.js";
import { requestBudget } from "./request-budget.js";
import { formatReport, type BenchResults } from "./report.js";
import {
  checkTargets,
  countBadReferenceStreams,
  countBadStreams,
} from "./targets.js";
import type { UpstreamStartArgs } from "./upstream-process.js";

/**
 * Entry point of `npm run bench`: starts the fake upstream, Tokentap and the
 * load generator as three processes, and two reference proxies in processes
 * of their own. Measures each phase direct and through Tokentap, some also
 * through the reference proxies, then measures history, snapshots and GPU
 * sampling in processes of their own. Prints the tables and writes bench/out/results.json. Exits
 * 0 when targets are missed, so a slow machine does not fail a build, and 1
 * on a cut stream or a crash.
 */

const OUT_DIR = fileURLToPath(new URL("../../bench/out/", import.meta.url));

// Set BENCH_CPU_PROF=1 to write a V8 CPU profile of the proxy process to bench/out/.
const proxyArgv =
  process.env["BENCH_CPU_PROF"] === "1"
    ? ["--expose-gc", "--cpu-prof", `--cpu-prof-dir=${OUT_DIR}`]
    : ["--expose-gc"];

const children: BenchChild[] = [];

async function runBench(): Promise<number> {
  const upstream = startChild("upstream", "./upstream-process.js");
  const proxy = startChild("proxy", "./proxy-process.js", proxyArgv);
  const load = startChild("load generator", "./load-process.js");

  const upstreamArgs: UpstreamStartArgs = {
    tokenLines: benchConfig.streams.tokenLines,
    gapMs: benchConfig.streams.gapMs,
  };
  const { url: directUrl } = await upstream.call<{ url: string }>(
    "start",
    upstreamArgs,
  );
  const { url: proxyUrl } = await proxy.call<{ url: string }>("start", {
    upstream: directUrl,
  });
  const references = await startReferenceProxies(startChild, directUrl);
  const processes: BenchProcesses = {
    upstream,
    proxy,
    load,
    directUrl,
    proxyUrl,
    references,
  };

  const startedAt = new Date().toISOString();
  const loadAtStart = loadavg();
  log("warming up");
  await warmUp(processes);

  log("measuring non-streaming requests");
  const requests = await measureRequests(processes);

  const streams: StreamPair[] = [];
  for (const level of benchConfig.streams.levels) {
    log(`measuring ${level.concurrency} concurrent streams`);
    streams.push(await measureStreams(processes, level));
  }

  log(`measuring memory with ${benchConfig.memory.openStreams} open streams`);
  const memory = await measureMemory(processes);

  const core = await measureCore(processes, startChild, log);

  const machine = describeMachine();
  const results: BenchResults = {
    startedAt,
    machine,
    config: benchConfig,
    requests,
    requestBudget: requestBudget(
      requests,
      machine.cores,
      benchConfig.targets.requestsRatio,
    ),
    streams,
    memory,
    core,
    loadAverage: { atStart: loadAtStart, atEnd: loadavg() },
    targets: [
      ...checkTargets(requests, streams, memory),
      ...checkCoreTargets(core),
    ],
  };

  process.stdout.write(`\n${formatReport(results)}`);
  await mkdir(OUT_DIR, { recursive: true });
  await writeFile(
    `${OUT_DIR}results.json`,
    `${JSON.stringify(results, null, 2)}\n`,
  );
  log(`results written to ${OUT_DIR}results.json`);

  const badStreams =
    countBadStreams(streams, memory.streams) +
    countBadReferenceStreams(streams) +
    countBadCoreStreams(core);
  if (badStreams > 0) {
    log(`${badStreams} streams were cut or failed; exiting with status 1`);
    return 1;
  }
  return 0;
}

function startChild(
  name: string,
  script: string,
  execArgv: readonly string[] = [],
): BenchChild {
  const child = new BenchChild(name, script, execArgv);
  children.push(child);
  return child;
}

function log(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

function killChildren(): void {
  for (const child of children) child.kill();
}

// Kill the children on any exit of this process. If it is killed outright,
// each child exits when its IPC channel closes (see serveCommands).
process.on("exit", killChildren);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    log(`${signal} received; stopping`);
    killChildren();
    process.exit(130);
  });
}

const watchdog = setTimeout(() => {
  log(`the run took over ${benchConfig.runTimeoutMs / 1000} s; stopping`);
  killChildren();
  process.exit(1);
}, benchConfig.runTimeoutMs);

try {
  process.exitCode = await runBench();
} catch (error) {
  log(
    `failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  process.exitCode = 1;
} finally {
  clearTimeout(watchdog);
  await Promise.all(children.map((child) => child.stop()));
}
