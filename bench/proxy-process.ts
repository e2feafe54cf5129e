import { GpuSampler } from "../main/core/gpu/gpu-sampler.js";
import { silentLogger } from "../main/core/log.js";
import { Tokentap, type GpuSamplerFactory } from "../main/core/tokentap.js";
import { serveCommands } from "./command-server.js";
import { LoopDelaySeries, type LoopDelay } from "./core/loop-delay.js";
import { sampleMemoryAfterGc } from "./memory-sample.js";
import {
  measureIsolatedTaps,
  type IsolatedTapArgs,
  type ProxyMemory,
} from "./tap-memory.js";

/**
 * Tokentap under test, alone in its process, with no history file and no
 * GPU sampler unless `start` is given `gpu`.
 */

export interface ProxyStartArgs {
  upstream: string;
  /** Runs a real `GpuSampler` with this interval and tool environment. */
  gpu?: { intervalMs: number; env: Record<string, string> };
}

/** Sampling rounds the GPU sampler has delivered. */
export interface GpuRounds {
  rounds: number;
  /** Rounds that found at least one GPU. */
  withGpus: number;
}

let tokentap: Tokentap | null = null;
const gpuRounds: GpuRounds = { rounds: 0, withGpus: 0 };
const loopDelay = new LoopDelaySeries();

/** Creates real GPU samplers that count the rounds they deliver. */
function countingSampler(env: Record<string, string>): GpuSamplerFactory {
  return (intervalMs, onSamples, logger) =>
    new GpuSampler({
      intervalMs,
      logger,
      env,
      onSamples: (samples) => {
        gpuRounds.rounds++;
        if (samples.length > 0) gpuRounds.withGpus++;
        onSamples(samples);
      },
    });
}

function running(): Tokentap {
  if (!tokentap) throw new Error("the proxy is not running; send start first");
  return tokentap;
}

serveCommands(
  {
    start: async (args) => {
      const { upstream, gpu } = args as ProxyStartArgs;
      tokentap = new Tokentap({
        settings: {
          listen: "127.0.0.1:0",
          upstream,
          ...(gpu ? { gpuIntervalMs: gpu.intervalMs } : {}),
        },
        dataDir: null,
        logger: silentLogger,
        ...(gpu ? { createGpuSampler: countingSampler(gpu.env) } : {}),
      });
      await tokentap.start();
      return { url: tokentap.listenUrl };
    },
    memory: async (): Promise<ProxyMemory> => {
      const proxy = running();
      const memory = await sampleMemoryAfterGc();
      return {
        memory,
        inFlight: proxy.status().inFlight,
        tapRetainedBytes: proxy.tapRetainedBytes(),
      };
    },
    "isolated-taps": (args) => measureIsolatedTaps(args as IsolatedTapArgs),
    "loop-delay-start": () => loopDelay.start(),
    "loop-delay-stop": () => loopDelay.stop(),
    "loop-delay": (): LoopDelay => loopDelay.summary(),
    "gpu-rounds": (): GpuRounds => ({ ...gpuRounds }),
  },
  async () => {
    await tokentap?.stop(1_000);
  },
);
