import { join } from "node:path";

import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { silentLogger } from "../../main/core/log.js";
import type { Snapshot } from "../../main/core/snapshot/snapshot.js";
import { Tokentap } from "../../main/core/tokentap.js";
import { registerIpc, type IpcRegistration } from "../../main/shell/ipc.js";
import { SettingsStore } from "../../main/shell/settings-store.js";
import { DashboardWindow } from "../../main/shell/window.js";
import {
  BRIDGE_NAME,
  type TokentapBridge,
} from "../../preload/ipc-contract.cjs";
import {
  app,
  contextBridge,
  FakeBrowserWindow,
  ipcRenderer,
  resetElectronDouble,
  shell,
} from "../support/electron-double.js";
import { FakeUpstream, waitUntil } from "../support/fake-upstream.js";
import { makeTempDir } from "./temp-dirs.js";

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
    let upstream: FakeUpstream;
    let tokentap: Tokentap;
    let userData: Awaited<ReturnType<typeof makeTempDir>>;
    let ipc: IpcRegistration;

    beforeEach(async () => {
      resetElectronDouble();
      userData = await makeTempDir("preload");
      app.setPath("userData", userData.path);

      upstream = await new FakeUpstream().start();
      tokentap = new Tokentap({
        settings: { listen: "127.0.0.1:0", upstream: upstream.url.origin },
        dataDir: null,
        logger: silentLogger,
      });
      await tokentap.start();

      const window = new DashboardWindow({
        preloadPath: join(userData.path, "preload.cjs"),
        htmlPath: join(userData.path, "index.html"),
        iconPath: join(userData.path, "icon.png"),
        logger: silentLogger,
      });
      ipc = registerIpc({
        window,
        tokentap,
        settings: SettingsStore.open({
          cwd: userData.path,
          logger: silentLogger,
        }),
        dataDir: userData.path,
        logger: silentLogger,
      });
      window.show();
      ipcRenderer.attach(FakeBrowserWindow.instances[0]!.webContents);
    });

    afterEach(async () => {
      ipc.dispose();
      await tokentap.stop(1000);
      await upstream.stop();
      await userData.remove();
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

      expect(shell.openedPaths).toEqual([userData.path]);
    });
  });
});
