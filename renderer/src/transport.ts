import type { Settings, SettingsUpdateResult, Snapshot } from "./types.js";
import { createHttpTransport } from "./transport-http.js";
import { createIpcTransport } from "./transport-ipc.js";

/** Whether pushed snapshots are arriving: `live`, or `reconnecting` after the stream dropped. */
export type ConnectionState = "live" | "reconnecting";

/** The page's connection to the core: IPC inside Electron, HTTP in a browser. */
export interface Transport {
  /** `ipc` or `http`, shown in the page footer. */
  readonly kind: "ipc" | "http";
  getSnapshot(): Promise<Snapshot>;
  /** Calls `onSnapshot` with each pushed snapshot; returns the function that stops it. */
  subscribe(
    onSnapshot: (snapshot: Snapshot) => void,
    onState: (state: ConnectionState) => void,
  ): () => void;
  /** Switches the proxy on or off; resolves with the state in force. */
  setProxyEnabled(enabled: boolean): Promise<boolean>;
  getSettings(): Promise<Settings>;
  /** Sends a settings change; the core validates it and returns the issues per setting. */
  updateSettings(patch: Record<string, unknown>): Promise<SettingsUpdateResult>;
  /** Opens the data folder in the file manager; null where the page cannot (a browser). */
  readonly openDataFolder: (() => Promise<void>) | null;
}

/** Picks IPC when the Electron preload defined `window.tokentap`, else HTTP relative to the page. */
export function pickTransport(): Transport {
  const bridge = window.tokentap;
  return bridge
    ? createIpcTransport(bridge)
    : createHttpTransport(document.baseURI);
}
