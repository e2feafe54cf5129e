// The preload of the dashboard window. It runs sandboxed, where require()
// resolves only "electron" and a few built-in modules, so the build bundles
// it with the IPC contract into one file (scripts/build-preload.mjs).
import { contextBridge, ipcRenderer, type IpcRendererEvent } from "electron";

import type { Snapshot } from "../main/core/snapshot/snapshot.js" with {
  "resolution-mode": "import",
};
import {
  BRIDGE_NAME,
  IPC_CHANNELS,
  type TokentapBridge,
} from "./ipc-contract.cjs";

/**
 * The page's whole view of the main process: one function per channel.
 * Listeners get the payload only, never the IPC event, whose `sender`
 * would give the page the means to send on any channel.
 */
const bridge: TokentapBridge = {
  getSnapshot: () => ipcRenderer.invoke(IPC_CHANNELS.getSnapshot),
  onSnapshot(listener) {
    const forward = (_event: IpcRendererEvent, snapshot: Snapshot) =>
      listener(snapshot);
    ipcRenderer.on(IPC_CHANNELS.snapshot, forward);
    return () => {
      ipcRenderer.removeListener(IPC_CHANNELS.snapshot, forward);
    };
  },
  ready: () => ipcRenderer.send(IPC_CHANNELS.rendererReady),
  setProxyEnabled: (enabled) =>
    ipcRenderer.invoke(IPC_CHANNELS.setProxyEnabled, enabled),
  getSettings: () => ipcRenderer.invoke(IPC_CHANNELS.getSettings),
  updateSettings: (patch) =>
    ipcRenderer.invoke(IPC_CHANNELS.updateSettings, patch),
  openDataFolder: () => ipcRenderer.invoke(IPC_CHANNELS.openDataFolder),
};

contextBridge.exposeInMainWorld(BRIDGE_NAME, bridge);
