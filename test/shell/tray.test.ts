import { join } from "node:path";

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { silentLogger } from "../../main/core/log.js";
import { Tokentap } from "../../main/core/tokentap.js";
import { TrayController } from "../../main/shell/tray.js";
import type { TrayActions, TrayIconState } from "../../main/shell/tray-menu.js";
import { FakeTray, resetElectronDouble } from "../support/electron-double.js";
import {
  answerGenerate,
  FakeUpstream,
  waitUntil,
} from "../support/fake-upstream.js";
import { postJson } from "../support/http-client.js";
import { nextPush } from "./next-push.js";
import { makeTempDir, writeAppFiles } from "./temp-dirs.js";

describe("TrayController", () => {
  let upstream: FakeUpstream;
  let tokentap: Tokentap;
  let iconDir: Awaited<ReturnType<typeof makeTempDir>>;
  let iconPaths: Record<TrayIconState, string>;
  let calls: string[];
  let actions: TrayActions;
  let controller: TrayController | null;

  beforeEach(async () => {
    resetElectronDouble();
    iconDir = await makeTempDir("tray-icons");
    iconPaths = {
      on: join(iconDir.path, "tray-on.png"),
      off: join(iconDir.path, "tray-off.png"),
      error: join(iconDir.path, "tray-error.png"),
    };
    await writeAppFiles(iconDir.path, [
      "tray-on.png",
      "tray-off.png",
      "tray-error.png",
    ]);

    upstream = await new FakeUpstream().start();
    answerGenerate(upstream);
    tokentap = new Tokentap({
      settings: { listen: "127.0.0.1:0", upstream: upstream.url.origin },
      dataDir: null,
      logger: silentLogger,
    });
    await tokentap.start();

    calls = [];
    actions = {
      setProxyEnabled: (enabled) => tokentap.setProxyEnabled(enabled),
      openDashboard: () => calls.push("openDashboard"),
      openSettings: () => calls.push("openSettings"),
      copyText: (text) => calls.push(`copyText(${text})`),
      quit: () => calls.push("quit"),
    };
    controller = null;
  });

  afterEach(async () => {
    controller?.destroy();
    await tokentap.stop(1000);
    await upstream.stop();
    await iconDir.remove();
  });

  function startTray(platform: NodeJS.Platform = "linux"): FakeTray {
    controller = new TrayController({
      tokentap,
      iconPaths,
      actions,
      notices: () => [],
      logger: silentLogger,
      platform,
    });
    controller.start();
    expect(FakeTray.instances).toHaveLength(1);
    return FakeTray.instances[0]!;
  }

  it("shows the proxy state at start", () => {
    const tray = startTray();

    expect(tray.imagePath).toBe(iconPaths.on);
    expect(tray.menu.labels[0]).toBe(
      `Proxy on at ${new URL(tokentap.listenUrl).host}`,
    );
    expect(tray.tooltip).toBe(
      `Tokentap: proxy on at ${new URL(tokentap.listenUrl).host}`,
    );
  });

  it("switches the proxy from the checkbox", async () => {
    const tray = startTray();

    tray.menu.click("Proxy enabled");

    expect(tokentap.proxyEnabled).toBe(false);
  });

  it("sets a new menu when the state changes", async () => {
    const tray = startTray();
    const first = tray.menu;

    tray.menu.click("Proxy enabled");
    await waitUntil(
      () => tray.menu.item("Proxy enabled").checked === false,
      "the menu with the proxy off",
    );

    expect(tray.menu).not.toBe(first);
    expect(tray.imagePath).toBe(iconPaths.off);
  });

  it("lists requests as their records land", async () => {
    const tray = startTray();

    await postJson(`${tokentap.listenUrl}/api/generate`, {
      model: "qwen3:8b",
      prompt: "Why?",
      stream: false,
    });
    await waitUntil(
      () => tray.menu.labels.some((label) => label.startsWith("qwen3:8b · ")),
      "the request in the menu",
    );

    expect(tray.menu.labels).toContain("qwen3:8b: 1 request, p50 40.0 tok/s");
  });

  it("opens the dashboard on a click on Windows", () => {
    const tray = startTray("win32");

    tray.emit("click");

    expect(calls).toEqual(["openDashboard"]);
  });

  it("leaves clicks to the menu on Linux", () => {
    const tray = startTray("linux");

    expect(tray.listenerCount("click")).toBe(0);
  });

  it("removes the icon and stops following when destroyed", async () => {
    const tray = startTray();
    controller!.destroy();
    const menus = tray.menus.length;

    const pushed = nextPush(tokentap, (snapshot) => !snapshot.proxy.enabled);
    tokentap.setProxyEnabled(false);
    await pushed;
    controller!.refresh();

    expect(tray.destroyed).toBe(true);
    expect(tray.menus).toHaveLength(menus);
  });

  it("fails at construction when an icon is missing", () => {
    const missing = { ...iconPaths, error: join(iconDir.path, "gone.png") };

    expect(
      () =>
        new TrayController({
          tokentap,
          iconPaths: missing,
          actions,
          notices: () => [],
          logger: silentLogger,
          platform: "linux",
        }),
    ).toThrow(`the tray icon ${missing.error} is not a readable image`);
  });
});
