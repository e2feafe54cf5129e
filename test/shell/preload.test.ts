import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";

import type { Snapshot } from "../../main/core/snapshot/snapshot.js";
import type { Tokentap } from "../../main/core/tokentap.js";
import {
  BRIDGE_NAME,
  type TokentapBridge,
} from "../../preload/ipc-contract.cjs";
import {
  contextBridge,
  ipcRenderer,
  resetElectronDouble,
  shell,
} from "../support/electron-double.js";
import { waitUntil } from "../support/fake-upstream.js";
import { startDashboardIpc, type DashboardIpc } from "./dashboard-ipc.js";

describe("preload", () => {
  let exposed: Map<string, unknown>;
  let bridge: TokentapBridge;

  beforeAll(async () => {
    resetElectronDouble();
    await import("../../preload/preload.cjs");
    exposed = new Map(contextBridge.exposed);
    bridge = exposed.get(BRIDGE_NAME) as TokentapBridge;
  });

  it("exposes one global named tokentap", () => {
    expect([...exposed.keys()]).toEqual(["tokentap"]);
  });

  it("exposes the bridge functions and nothing else", () => {
    const entries = Object.entries(bridge as object);

    expect(entries.map(([name]) => name).sort()).toEqual([
      "getSettings",
      "getSnapshot",
      "onSnapshot",
      "openDataFolder",
      "ready",
      "setProxyEnabled",
      "updateSettings",
    ]);
    expect(entries.every(([, value]) => typeof value === "function")).toBe(
      true,
    );
  });

  describe("against the main process", () => {
    let tokentap: Tokentap;
    let opened: DashboardIpc;
    let userDataPath: string;

    beforeEach(async () => {
      opened = await startDashboardIpc("preload");
      ({ userDataPath, tokentap } = opened);
      ipcRenderer.attach(opened.contents);
    });

    afterEach(async () => {
      await opened.stop();
    });

    it("gets a snapshot", async () => {
      const snapshot = await bridge.getSnapshot();

      expect(snapshot.proxy.listenUrl).toBe(tokentap.listenUrl);
    });

    it("passes pushed snapshots without the IPC event", async () => {
      const calls: unknown[][] = [];
      bridge.onSnapshot((...args: unknown[]) => calls.push(args));

      bridge.ready();
      await waitUntil(() => calls.length > 0, "a pushed snapshot");

      expect(calls[0]).toHaveLength(1);
      expect((calls[0]![0] as Snapshot).proxy.enabled).toBe(true);
    });

    it("stops passing snapshots after the listener is removed", async () => {
      const received: Snapshot[] = [];
      const stop = bridge.onSnapshot((snapshot) => received.push(snapshot));
      stop();

      bridge.ready();

      expect(received).toEqual([]);
      expect(ipcRenderer.listenerCount("tokentap:snapshot")).toBe(0);
    });

    it("switches the proxy", async () => {
      expect(await bridge.setProxyEnabled(false)).toBe(false);
      expect(tokentap.proxyEnabled).toBe(false);
    });

    it("reads and changes the settings", async () => {
      const result = await bridge.updateSettings({ gpuIntervalMs: 5000 });
      const settings = await bridge.getSettings();

      expect(result.ok).toBe(true);
      expect(settings.gpuIntervalMs).toBe(5000);
    });

    it("opens the data folder", async () => {
      await bridge.openDataFolder();

      expect(shell.openedPaths).toEqual([userDataPath]);
    });
  });
});
