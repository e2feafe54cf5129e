import { existsSync, readFileSync } from "node:fs";
import { readdir, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { join } from "node:path";

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { silentLogger } from "../../main/core/log.js";
import type { RequestRecord } from "../../main/core/record.js";
import { DEFAULT_SETTINGS } from "../../main/core/settings/settings.js";
import {
  startDesktopApp,
  type DesktopApp,
} from "../../main/shell/desktop-app.js";
import type { ShellOptions } from "../../main/shell/shell-options.js";
import { IPC_CHANNELS } from "../../preload/ipc-contract.cjs";
import {
  app,
  clipboard,
  dialog,
  FakeBrowserWindow,
  FakeTray,
  ipcMain,
  resetElectronDouble,
  senderEvent,
} from "../support/electron-double.js";
import {
  answerGenerate,
  FakeUpstream,
  waitUntil,
} from "../support/fake-upstream.js";
import { freePort } from "../support/free-port.js";
import { postJson } from "../support/http-client.js";
import { appFiles, makeTempDir, writeAppFiles } from "./temp-dirs.js";

const TRAY_ONLY: ShellOptions = {
  openWindowAtStart: false,
  hideDockIcon: false,
  logLevel: "info",
};

/** Binds `port` on 127.0.0.1; resolves with null when something else has bound it already. */
async function occupy(port: number): Promise<Server | null> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once("error", () => resolve(null));
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}

function close(server: Server | null): Promise<void> {
  return new Promise((resolve) =>
    server ? server.close(() => resolve()) : resolve(),
  );
}

function onlyTray(): FakeTray {
  expect(FakeTray.instances).toHaveLength(1);
  return FakeTray.instances[0]!;
}

function onlyWindow(): FakeBrowserWindow {
  expect(FakeBrowserWindow.instances).toHaveLength(1);
  return FakeBrowserWindow.instances[0]!;
}

describe("startDesktopApp", () => {
  let upstream: FakeUpstream;
  let appRoot: Awaited<ReturnType<typeof makeTempDir>>;
  let userData: Awaited<ReturnType<typeof makeTempDir>>;
  let desktop: DesktopApp | null;

  beforeEach(async () => {
    resetElectronDouble();
    appRoot = await makeTempDir("app-root");
    await writeAppFiles(appRoot.path, appFiles("linux"));
    app.appPath = appRoot.path;
    userData = await makeTempDir("user-data");
    app.setPath("userData", userData.path);

    upstream = await new FakeUpstream().start();
    answerGenerate(upstream);
    desktop = null;
  });

  afterEach(async () => {
    await desktop?.quit();
    await upstream.stop();
    await appRoot.remove();
    await userData.remove();
  });

  async function writeSettings(settings: object | string): Promise<void> {
    const text =
      typeof settings === "string" ? settings : JSON.stringify(settings);
    await writeFile(join(userData.path, "config.json"), text);
  }

  async function start(shell: ShellOptions = TRAY_ONLY): Promise<DesktopApp> {
    const started = await startDesktopApp({
      logger: silentLogger,
      shell,
      platform: "linux",
    });
    if (!started) throw new Error("startDesktopApp did not start");
    desktop = started;
    return started;
  }

  async function startOnFreePort(
    shell: ShellOptions = TRAY_ONLY,
  ): Promise<DesktopApp> {
    await writeSettings({
      listen: "127.0.0.1:0",
      upstream: upstream.url.origin,
    });
    return start(shell);
  }

  describe("at start", () => {
    it("lives in the tray without a window", async () => {
      await startOnFreePort();

      expect(FakeBrowserWindow.instances).toHaveLength(0);
      expect(onlyTray().imagePath).toBe(
        join(appRoot.path, "assets/tray/tray-on.png"),
      );
    });

    it("opens the window when asked", async () => {
      await startOnFreePort({ ...TRAY_ONLY, openWindowAtStart: true });

      expect(onlyWindow().isVisible()).toBe(true);
    });

    it("hides the dock icon when asked", async () => {
      await startOnFreePort({ ...TRAY_ONLY, hideDockIcon: true });

      expect(app.dock.hidden).toBe(true);
    });

    it("keeps its history in the user data folder", async () => {
      const started = await startOnFreePort();

      expect(started.tokentap.snapshot().history.path).toContain(userData.path);
    });

    it("fails naming the missing files", async () => {
      await writeSettings({ listen: "127.0.0.1:0" });
      await appRoot.remove();

      await expect(start()).rejects.toThrow("files are missing");
    });
  });

  describe("single instance", () => {
    it("quits when another instance holds the lock", async () => {
      app.singleInstanceLock = false;

      const started = await startDesktopApp({
        logger: silentLogger,
        shell: TRAY_ONLY,
        platform: "linux",
      });

      expect(started).toBeNull();
      expect(app.quitCalls).toBe(1);
      expect(FakeTray.instances).toHaveLength(0);
    });

    it("opens the window on a second launch", async () => {
      await startOnFreePort();

      app.emit("second-instance", {}, ["tokentap"], "/");

      expect(onlyWindow().isVisible()).toBe(true);
    });

    it("brings the open window forward on a second launch", async () => {
      await startOnFreePort({ ...TRAY_ONLY, openWindowAtStart: true });
      const window = onlyWindow();
      window.minimize();
      window.focused = false;

      app.emit("second-instance", {}, ["tokentap"], "/");

      expect(window.isMinimized()).toBe(false);
      expect(window.focused).toBe(true);
    });
  });

  describe("tray commands", () => {
    it("opens the window at its settings section", async () => {
      await startOnFreePort();

      onlyTray().menu.click("Settings");

      expect(onlyWindow().loadedFile?.options).toEqual({ hash: "settings" });
    });

    it("copies the OLLAMA_HOST setting", async () => {
      const started = await startOnFreePort();

      onlyTray().menu.click("Copy OLLAMA_HOST");

      expect(clipboard.text).toBe(
        `OLLAMA_HOST=${new URL(started.tokentap.listenUrl).host}`,
      );
    });
  });

  describe("quit", () => {
    it("stops the core before exiting", async () => {
      const started = await startOnFreePort();
      const exited = app.nextExit();

      onlyTray().menu.click("Quit");

      expect(await exited).toBe(0);
      expect(started.tokentap.status().listenUrl).toBeNull();
    });

    it("releases the proxy port", async () => {
      const started = await startOnFreePort();
      const port = Number(new URL(started.tokentap.listenUrl).port);

      await started.quit();

      const server = await occupy(port);
      expect(server).not.toBeNull();
      await close(server);
    });

    it("writes the pending history before exiting", async () => {
      const started = await startOnFreePort();
      const historyPath = started.tokentap.snapshot().history.path!;
      const recorded = new Promise<RequestRecord>((resolve) =>
        started.tokentap.store.onAdd((record) => resolve(record)),
      );
      await postJson(`${started.tokentap.listenUrl}/api/generate`, {
        model: "qwen3:8b",
        prompt: "Why?",
        stream: false,
      });
      const record = await recorded;

      // Quit at once, before the history's own write timer fires, and read
      // the file before any other I/O can finish.
      await started.quit();
      const text = existsSync(historyPath)
        ? readFileSync(historyPath, "utf8")
        : "";

      const ids = text
        .trim()
        .split("\n")
        .filter((line) => line.length > 0)
        .map((line) => (JSON.parse(line) as { id: string }).id);
      expect(ids).toContain(record.id);
    });

    it("stops the core before quitting by other means", async () => {
      await startOnFreePort();
      const exited = app.nextExit();

      const event = app.emitPreventable("before-quit");

      expect(event.defaultPrevented).toBe(true);
      expect(await exited).toBe(0);
    });

    it("removes the tray icon", async () => {
      const started = await startOnFreePort();

      await started.quit();

      expect(onlyTray().destroyed).toBe(true);
    });
  });

  describe("with a taken port", () => {
    let blocker: Server | null;
    let port: number;

    beforeEach(async () => {
      port = await freePort();
      blocker = await occupy(port);
      await writeSettings({
        listen: `127.0.0.1:${port}`,
        upstream: upstream.url.origin,
      });
    });

    afterEach(async () => {
      await close(blocker);
    });

    it("keeps running with the error in the tray", async () => {
      await start();
      const tray = onlyTray();

      expect(tray.imagePath).toBe(
        join(appRoot.path, "assets/tray/tray-error.png"),
      );
      expect(tray.menu.labels).toContain(
        `Proxy error: Port ${port} on 127.0.0.1 is already in use`,
      );
      expect(tray.menu.labels.join(" ")).toContain(
        "Fix: Choose another listen port in Settings",
      );
    });

    it("listens once another port is chosen in Settings", async () => {
      const started = await start();
      started.window.show();
      const contents = onlyWindow().webContents;

      const result = await ipcMain.invoke(
        IPC_CHANNELS.updateSettings,
        senderEvent(contents),
        { listen: "127.0.0.1:0" },
      );
      await waitUntil(
        () =>
          onlyTray().imagePath ===
          join(appRoot.path, "assets/tray/tray-on.png"),
        "the tray icon to show the proxy on",
      );

      expect(result).toMatchObject({ ok: true, changed: ["listen"] });
      expect(started.tokentap.status().error).toBeNull();
    });
  });

  const unusableFiles: Array<[string, string]> = [
    ["a corrupt settings file", '{"listen": '],
    ["an empty settings file", ""],
  ];

  for (const [name, content] of unusableFiles) {
    describe(`with ${name}`, () => {
      let blocker: Server | null;

      beforeEach(async () => {
        // The defaults listen on port 4321; holding it keeps the test off
        // whatever else runs there, and the app must cope with a taken port.
        blocker = await occupy(4321);
        await writeSettings(content);
      });

      afterEach(async () => {
        await close(blocker);
      });

      it("starts with the default settings", async () => {
        const started = await start();

        expect(started.tokentap.currentSettings()).toEqual(DEFAULT_SETTINGS);
      });

      it("keeps the old file as a backup", async () => {
        await start();

        const names = await readdir(userData.path);
        expect(
          names.some((file) => file.startsWith("config.json.corrupt-")),
        ).toBe(true);
      });

      it("tells the user in a message box", async () => {
        await start();

        expect(dialog.messageBoxes).toHaveLength(1);
        expect(String(dialog.messageBoxes[0]!.detail)).toContain(
          "Tokentap started with the default settings",
        );
      });

      it("tells the user in the tray menu", async () => {
        await start();

        expect(onlyTray().menu.labels.join(" ")).toContain(
          "The settings file could not be read",
        );
      });
    });
  }
});
