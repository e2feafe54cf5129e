// The one declaration of the IPC between the main process, the preload and
// the renderer. It is CommonJS because a sandboxed preload cannot load ES
// modules; the main process imports it as a CommonJS module.
import type { Settings } from "../main/core/settings/settings.js" with {
  "resolution-mode": "import",
};
import type { SettingsUpdateResult } from "../main/core/settings/update-result.js" with {
  "resolution-mode": "import",
};
import type { Snapshot } from "../main/core/snapshot/snapshot.js" with {
  "resolution-mode": "import",
};

/** Channel names, kebab-case under one prefix. */
export const IPC_CHANNELS = {
  /** Renderer to main, invoke: the current snapshot. */
  getSnapshot: "tokentap:get-snapshot",
  /** Renderer to main, send: the page is ready for pushed snapshots. */
  rendererReady: "tokentap:renderer-ready",
  /** Main to renderer, send: a new snapshot, at most 4 a second. */
  snapshot: "tokentap:snapshot",
  /** Renderer to main, invoke: switch the proxy on or off; returns the new state. */
  setProxyEnabled: "tokentap:set-proxy-enabled",
  /** Renderer to main, invoke: the settings in force. */
  getSettings: "tokentap:get-settings",
  /** Renderer to main, invoke: validate and apply a settings change. */
  updateSettings: "tokentap:update-settings",
  /** Renderer to main, invoke: open the data folder in the file manager. */
  openDataFolder: "tokentap:open-data-folder",
} as const;

export type IpcChannel = (typeof IPC_CHANNELS)[keyof typeof IPC_CHANNELS];

export type { SettingsUpdateResult };

/** Arguments and results of each invoke channel, for typed handlers on both ends. */
export interface IpcInvokeMap {
  "tokentap:get-snapshot": { args: []; result: Snapshot };
  "tokentap:set-proxy-enabled": { args: [enabled: boolean]; result: boolean };
  "tokentap:get-settings": { args: []; result: Settings };
  "tokentap:update-settings": {
    args: [patch: Partial<Settings>];
    result: SettingsUpdateResult;
  };
  "tokentap:open-data-folder": { args: []; result: void };
}

/** The API the preload exposes to the renderer as `window.tokentap`. */
export interface TokentapBridge {
  getSnapshot(): Promise<Snapshot>;
  /** Calls `listener` with each pushed snapshot; returns the function that stops it. */
  onSnapshot(listener: (snapshot: Snapshot) => void): () => void;
  /** Tells the main process that the page can take pushed snapshots. */
  ready(): void;
  setProxyEnabled(enabled: boolean): Promise<boolean>;
  getSettings(): Promise<Settings>;
  updateSettings(patch: Partial<Settings>): Promise<SettingsUpdateResult>;
  openDataFolder(): Promise<void>;
}

/** Name of the global the preload defines in the renderer. */
export const BRIDGE_NAME = "tokentap";
