import { readFile } from "node:fs/promises";
import { join } from "node:path";

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import type { Snapshot } from "../../main/core/snapshot/snapshot.js";
import type { Tokentap } from "../../main/core/tokentap.js";
import type { IpcRegistration } from "../../main/shell/ipc.js";
import type { DashboardWindow } from "../../main/shell/window.js";
import { IPC_CHANNELS } from "../../preload/ipc-contract.cjs";
import {
  FakeBrowserWindow,
  FakeWebContents,
  ipcMain,
  senderEvent,
  shell,
} from "../support/electron-double.js";
import { waitUntil, type FakeUpstream } from "../support/fake-upstream.js";
import { startDashboardIpc, type DashboardIpc } from "./dashboard-ipc.js";
import { nextPush } from "./next-push.js";

const INVOKE_CHANNELS = [
  IPC_CHANNELS.getSnapshot,
  IPC_CHANNELS.setProxyEnabled,
  IPC_CHANNELS.getSettings,
  IPC_CHANNELS.updateSettings,
  IPC_CHANNELS.openDataFolder,
];

describe("registerIpc", () => {
  let upstream: FakeUpstream;
  let tokentap: Tokentap;
  let opened: DashboardIpc;
  let userDataPath: string;
  let window: DashboardWindow;
  let ipc: IpcRegistration;
  let contents: FakeWebContents;

  beforeEach(async () => {
    opened = await startDashboardIpc("ipc");
    ({ userDataPath, upstream, tokentap, window, ipc, contents } = opened);
  });

  afterEach(async () => {
    await opened.stop();
  });

  const fromApp = () => senderEvent(contents);

  describe("senders", () => {
    it("accepts calls from the app window", async () => {
      const snapshot = (await ipcMain.invoke(
        IPC_CHANNELS.getSnapshot,
        fromApp(),
      )) as Snapshot;

      expect(snapshot.proxy.listenUrl).toBe(tokentap.listenUrl);
    });

    for (const channel of INVOKE_CHANNELS) {
      it(`rejects ${channel} from another page`, async () => {
        const stranger = new FakeWebContents();
        stranger.url = contents.url;

        await expect(
          ipcMain.invoke(channel, senderEvent(stranger), true),
        ).rejects.toThrow(
          `IPC call ${channel} rejected: it did not come from the Tokentap window`,
        );
      });
    }

    it("rejects the app window showing another URL", async () => {
      const event = senderEvent(contents, "file:///tmp/evil.html");

      await expect(
        ipcMain.invoke(IPC_CHANNELS.setProxyEnabled, event, false),
      ).rejects.toThrow("rejected");
      expect(tokentap.proxyEnabled).toBe(true);
    });

    it("rejects a sender without a frame", async () => {
      const event = { sender: contents, senderFrame: null };

      await expect(
        ipcMain.invoke(IPC_CHANNELS.getSettings, event),
      ).rejects.toThrow("rejected");
    });

    it("ignores a ready signal from another page", () => {
      ipcMain.emit(
        IPC_CHANNELS.rendererReady,
        senderEvent(new FakeWebContents(), contents.url),
      );

      expect(contents.sentOn(IPC_CHANNELS.snapshot)).toHaveLength(0);
    });
  });

  describe("snapshots", () => {
    it("sends none before the page is ready", async () => {
      const pushed = nextPush(tokentap, (snapshot) => !snapshot.proxy.enabled);
      tokentap.setProxyEnabled(false);
      await pushed;

      expect(contents.sentOn(IPC_CHANNELS.snapshot)).toHaveLength(0);
    });

    it("sends one at once when the page is ready", () => {
      ipcMain.emit(IPC_CHANNELS.rendererReady, fromApp());

      const sent = contents.sentOn(IPC_CHANNELS.snapshot);
      expect(sent).toHaveLength(1);
      expect((sent[0]![0] as Snapshot).proxy.enabled).toBe(true);
    });

    it("sends changes while the window is visible", async () => {
      ipcMain.emit(IPC_CHANNELS.rendererReady, fromApp());

      tokentap.setProxyEnabled(false);
      await waitUntil(
        () => contents.sentOn(IPC_CHANNELS.snapshot).length === 2,
        "the pushed snapshot",
      );

      const latest = contents.sentOn(IPC_CHANNELS.snapshot)[1]![0] as Snapshot;
      expect(latest.proxy.enabled).toBe(false);
    });

    it("sends none while the window is hidden", async () => {
      ipcMain.emit(IPC_CHANNELS.rendererReady, fromApp());
      window.hide();

      const pushed = nextPush(tokentap, (snapshot) => !snapshot.proxy.enabled);
      tokentap.setProxyEnabled(false);
      await pushed;

      expect(contents.sentOn(IPC_CHANNELS.snapshot)).toHaveLength(1);
    });

    it("sends none while the window is minimized", async () => {
      ipcMain.emit(IPC_CHANNELS.rendererReady, fromApp());
      FakeBrowserWindow.instances[0]!.minimize();

      const pushed = nextPush(tokentap, (snapshot) => !snapshot.proxy.enabled);
      tokentap.setProxyEnabled(false);
      await pushed;

      expect(contents.sentOn(IPC_CHANNELS.snapshot)).toHaveLength(1);
    });

    it("sends a fresh one when the window is shown again", () => {
      ipcMain.emit(IPC_CHANNELS.rendererReady, fromApp());
      window.hide();
      tokentap.setProxyEnabled(false);

      window.show();

      const sent = contents.sentOn(IPC_CHANNELS.snapshot);
      expect(sent).toHaveLength(2);
      expect((sent[1]![0] as Snapshot).proxy.enabled).toBe(false);
    });

    it("waits for a new ready signal after the page reloads", async () => {
      ipcMain.emit(IPC_CHANNELS.rendererReady, fromApp());
      contents.emit("did-start-navigation", {
        url: contents.url,
        isMainFrame: true,
        isSameDocument: false,
      });

      const pushed = nextPush(tokentap, (snapshot) => !snapshot.proxy.enabled);
      tokentap.setProxyEnabled(false);
      await pushed;

      expect(contents.sentOn(IPC_CHANNELS.snapshot)).toHaveLength(1);
    });

    it("polls the loaded models while the window is visible", async () => {
      const poll = () =>
        upstream.received.find((request) => request.url === "/api/ps");
      await waitUntil(() => poll() !== undefined, "a poll of /api/ps");

      expect(poll()?.method).toBe("GET");
    });
  });

  describe("handlers", () => {
    it("switches the proxy off and returns the new state", async () => {
      const result = await ipcMain.invoke(
        IPC_CHANNELS.setProxyEnabled,
        fromApp(),
        false,
      );

      expect(result).toBe(false);
      expect(tokentap.proxyEnabled).toBe(false);
    });

    it("rejects a proxy state that is not a boolean", async () => {
      await expect(
        ipcMain.invoke(IPC_CHANNELS.setProxyEnabled, fromApp(), "off"),
      ).rejects.toThrow(
        'tokentap:set-proxy-enabled takes true or false, not "off"',
      );
    });

    it("returns the settings in force", async () => {
      const settings = await ipcMain.invoke(
        IPC_CHANNELS.getSettings,
        fromApp(),
      );

      expect(settings).toEqual(tokentap.currentSettings());
    });

    it("applies and saves a valid settings change", async () => {
      const result = await ipcMain.invoke(
        IPC_CHANNELS.updateSettings,
        fromApp(),
        { storeSize: 20 },
      );
      const saved = JSON.parse(
        await readFile(join(userDataPath, "config.json"), "utf8"),
      ) as { storeSize: number };

      expect(result).toMatchObject({ ok: true, changed: ["storeSize"] });
      expect(tokentap.store.capacity).toBe(20);
      expect(saved.storeSize).toBe(20);
    });

    it("returns the issues of an invalid settings change", async () => {
      const result = await ipcMain.invoke(
        IPC_CHANNELS.updateSettings,
        fromApp(),
        { storeSize: 0 },
      );
      const saved = JSON.parse(
        await readFile(join(userDataPath, "config.json"), "utf8"),
      ) as { storeSize: number };

      expect(result).toMatchObject({ ok: false });
      expect(saved.storeSize).toBe(1000);
    });

    it("opens the data folder", async () => {
      await ipcMain.invoke(IPC_CHANNELS.openDataFolder, fromApp());

      expect(shell.openedPaths).toEqual([userDataPath]);
    });

    it("rejects when the data folder cannot be opened", async () => {
      shell.openPathResult = "Failed to open path";

      await expect(
        ipcMain.invoke(IPC_CHANNELS.openDataFolder, fromApp()),
      ).rejects.toThrow(`could not open the data folder ${userDataPath}`);
    });

    it("removes every handler when disposed", () => {
      ipc.dispose();

      expect([...ipcMain.handlers.keys()]).toEqual([]);
      expect(ipcMain.listenerCount(IPC_CHANNELS.rendererReady)).toBe(0);
    });
  });
});
