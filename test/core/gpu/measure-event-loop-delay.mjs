// Measures how much GPU sampling delays the event loop of the process that
// samples, with a fake nvidia-smi that sleeps 2 s per run:
//
//   1. systeminformation's graphics() called on this thread, whose
//      synchronous nvidia-smi exec blocks the loop for the whole run;
//   2. GpuSampler, which runs the tools in a child probe process.
//
// Run after `npm run build`, from the repository root:
//   node test/core/gpu/measure-event-loop-delay.mjs [seconds per case, default 10]
import { createRequire } from "node:module";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import process from "node:process";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath, URL } from "node:url";

const { GpuSampler } = await import(
  new URL("../../../dist/main/core/gpu/gpu-sampler.js", import.meta.url).href
);
const { silentLogger } = await import(
  new URL("../../../dist/main/core/log.js", import.meta.url).href
);

const seconds = Number(process.argv[2] ?? "10");
const dataDir = fileURLToPath(new URL("../../data/gpu/", import.meta.url));
const fakeEnv = {
  PATH: `${dataDir}bin`,
  FAKE_LSPCI_OUTPUT: `${dataDir}lspci-nvidia.txt`,
  FAKE_NVIDIA_SMI_CSV: `${dataDir}nvidia-smi-h200.csv`,
  FAKE_NVIDIA_SMI_DELAY_S: "2",
};

const RESOLUTION_MS = 10;

/**
 * Runs `work` and returns the event-loop delay in ms beyond the histogram's
 * 10 ms sampling period: percentiles, the maximum, and the total time the
 * loop was late. One stall is one histogram entry however long it lasts,
 * so a few 2 s stalls in 10 s barely move p99 and show in max and total.
 */
async function measure(work) {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  const runs = await work();
  histogram.disable();

  const lateMs = (nanoseconds) =>
    Math.round(Math.max(0, nanoseconds / 1e6 - RESOLUTION_MS) * 100) / 100;
  return {
    runs,
    p50Ms: lateMs(histogram.percentile(50)),
    p99Ms: lateMs(histogram.percentile(99)),
    maxMs: lateMs(histogram.max),
    totalLateMs: Math.round(
      histogram.count * (histogram.mean / 1e6 - RESOLUTION_MS),
    ),
  };
}

async function idle() {
  await sleep(seconds * 1000);
  return 0;
}

async function mainThreadGraphics() {
  // systeminformation copies process.env when it loads, so set it first.
  Object.assign(process.env, fakeEnv);
  const require = createRequire(import.meta.url);
  const systeminformation = require("systeminformation");

  let runs = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    await systeminformation.graphics();
    runs += 1;
    await sleep(2000);
  }
  return runs;
}

async function probeProcessSampler() {
  let runs = 0;
  const sampler = new GpuSampler({
    logger: silentLogger,
    env: fakeEnv,
    onSamples: () => {
      runs += 1;
    },
  });
  sampler.start();
  await sleep(seconds * 1000);
  await sampler.stop();
  return runs;
}

const results = {
  node: process.version,
  secondsPerCase: seconds,
  idle: await measure(idle),
  gpuSampler: await measure(probeProcessSampler),
  mainThreadGraphics: await measure(mainThreadGraphics),
};
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
