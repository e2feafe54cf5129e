import { silentLogger } from "../../main/core/log.js";
import type { RequestRecord } from "../../main/core/record.js";
import type { Settings } from "../../main/core/settings/settings.js";
import { Tokentap, type TokentapOptions } from "../../main/core/tokentap.js";
import { FakeUpstream } from "./fake-upstream.js";

/** A running core in front of a fake upstream, both on loopback with free ports. */
export interface ProxyHarness {
  upstream: FakeUpstream;
  tokentap: Tokentap;
  /** Base URL of the proxy, for example `http://127.0.0.1:40123`. */
  baseUrl: string;
  /** Resolves with the next record the store receives. */
  nextRecord(): Promise<RequestRecord>;
  stop(): Promise<void>;
}

/**
 * Starts a fake upstream and a core forwarding to it, with no history file
 * unless `options.dataDir` names a folder.
 */
export async function startProxyHarness(
  settings: Partial<Settings> = {},
  options: Partial<Omit<TokentapOptions, "settings" | "logger">> = {},
): Promise<ProxyHarness> {
  const upstream = await new FakeUpstream().start();
  const tokentap = new Tokentap({
    settings: {
      listen: "127.0.0.1:0",
      upstream: upstream.url.origin,
      ...settings,
    },
    dataDir: null,
    logger: silentLogger,
    ...options,
  });
  await tokentap.start();

  const waiting: Array<(record: RequestRecord) => void> = [];
  const queued: RequestRecord[] = [];
  tokentap.store.onAdd((record) => {
    const waiter = waiting.shift();
    if (waiter) waiter(record);
    else queued.push(record);
  });

  const harness: ProxyHarness = {
    upstream,
    tokentap,
    baseUrl: tokentap.listenUrl,
    nextRecord: () => {
      const record = queued.shift();
      if (record) return Promise.resolve(record);
      return new Promise((resolve) => waiting.push(resolve));
    },
    stop: async () => {
      await tokentap.stop(1000);
      await harness.upstream.stop();
    },
  };
  return harness;
}
