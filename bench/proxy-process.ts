import { silentLogger } from "../main/core/log.js";
import { Tokentap } from "../main/core/tokentap.js";
import { serveCommands } from "./command-server.js";
import { sampleMemoryAfterGc } from "./memory-sample.js";
import {
  measureIsolatedTaps,
  type IsolatedTapArgs,
  type ProxyMemory,
} from "./tap-memory.js";

/** Tokentap under test, alone in its process, with no history file and no GPU sampler. */

export interface ProxyStartArgs {
  upstream: string;
}

let tokentap: Tokentap | null = null;

function running(): Tokentap {
  if (!tokentap) throw new Error("the proxy is not running; send start first");
  return tokentap;
}

serveCommands(
  {
    start: async (args) => {
      const { upstream } = args as ProxyStartArgs;
      tokentap = new Tokentap({
        settings: { listen: "127.0.0.1:0", upstream },
        dataDir: null,
        logger: silentLogger,
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
  },
  async () => {
    await tokentap?.stop(1_000);
  },
);
