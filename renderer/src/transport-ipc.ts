import type { Transport } from "./transport.js";
import type { Settings, TokentapBridge } from "./types.js";

declare global {
  interface Window {
    /** Defined by the Electron preload; absent in a browser. */
    tokentap?: TokentapBridge;
  }
}

/** Creates the transport over the preload's bridge to the Electron main process. */
export function createIpcTransport(bridge: TokentapBridge): Transport {
  return {
    kind: "ipc",
    getSnapshot: () => bridge.getSnapshot(),
    subscribe: (onSnapshot, onState) => {
      const stop = bridge.onSnapshot(onSnapshot);
      onState("live");

      // The main process queues pushed snapshots until the page sends this signal.
      bridge.ready();
      return stop;
    },
    setProxyEnabled: (enabled) => bridge.setProxyEnabled(enabled),
    getSettings: () => bridge.getSettings(),
    // The main process validates the patch, so values the form could not parse pass through as typed.
    updateSettings: (patch) =>
      bridge.updateSettings(patch as Partial<Settings>),
    openDataFolder: () => bridge.openDataFolder(),
  };
}
