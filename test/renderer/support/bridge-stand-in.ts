import type { Page } from "playwright-core";

import type { Tokentap } from "../../../main/core/tokentap.js";

// Defines `window.tokentap` the way the preload does, each call going to
// Node through one exposed function and each pushed snapshot coming back
// through `window.tokentapPush`.
const BRIDGE_SCRIPT = `
(() => {
  const listeners = new Set();
  const call = (method, ...args) => window.tokentapInvoke(method, args);
  window.tokentapPush = (snapshot) => listeners.forEach((listener) => listener(snapshot));
  window.tokentap = {
    getSnapshot: () => call("getSnapshot"),
    onSnapshot: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    ready: () => void call("ready"),
    setProxyEnabled: (enabled) => call("setProxyEnabled", enabled),
    getSettings: () => call("getSettings"),
    updateSettings: (patch) => call("updateSettings", patch),
    openDataFolder: () => call("openDataFolder"),
  };
})();
`;

/** A stand-in for the Electron preload and main process, backed by a real core. */
export interface BridgeStandIn {
  /** Times the page asked to open the data folder. */
  openDataFolderCalls: number;
  /** Whether the page has sent its ready signal. */
  ready: boolean;
  stop(): void;
}

/**
 * Gives `page` a `window.tokentap` bridge to `tokentap`, pushing snapshots
 * once the page sends its ready signal, as the Electron shell does.
 */
export async function installBridgeStandIn(
  page: Page,
  tokentap: Tokentap,
): Promise<BridgeStandIn> {
  let unsubscribe: (() => void) | null = null;
  const bridge: BridgeStandIn = {
    openDataFolderCalls: 0,
    ready: false,
    stop: () => unsubscribe?.(),
  };

  const push = (snapshot: unknown) => {
    page
      .evaluate(`window.tokentapPush(${JSON.stringify(snapshot)})`)
      .catch(() => {
        // The page may be closing; the next test run starts a fresh one.
      });
  };

  await page.exposeFunction(
    "tokentapInvoke",
    async (method: string, args: unknown[]) => {
      switch (method) {
        case "getSnapshot":
          return tokentap.snapshot();
        case "ready":
          bridge.ready = true;
          unsubscribe ??= tokentap.subscribe(push);
          return undefined;
        case "setProxyEnabled":
          tokentap.setProxyEnabled(args[0] === true);
          return tokentap.proxyEnabled;
        case "getSettings":
          return tokentap.currentSettings();
        case "updateSettings":
          return tokentap.updateSettings(args[0]);
        case "openDataFolder":
          bridge.openDataFolderCalls += 1;
          return undefined;
        default:
          throw new Error(`unknown bridge method "${method}"`);
      }
    },
  );
  await page.addInitScript(BRIDGE_SCRIPT);

  return bridge;
}
