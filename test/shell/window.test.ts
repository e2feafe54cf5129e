import { pathToFileURL } from "node:url";

import { beforeEach, describe, expect, it } from "vitest";

import { silentLogger } from "../../main/core/log.js";
import { CONTENT_SECURITY_POLICY } from "../../main/shell/navigation.js";
import {
  DashboardWindow,
  installContentSecurityPolicy,
} from "../../main/shell/window.js";
import {
  FakeBrowserWindow,
  resetElectronDouble,
  session,
  shell,
} from "../support/electron-double.js";

const HTML_PATH = "/opt/Tokentap/app/dist/renderer/index.html";
const APP_URL = pathToFileURL(HTML_PATH).href;

function makeWindow(): DashboardWindow {
  return new DashboardWindow({
    preloadPath: "/opt/Tokentap/app/dist/preload/preload.cjs",
    htmlPath: HTML_PATH,
    iconPath: "/opt/Tokentap/app/assets/icon.png",
    logger: silentLogger,
  });
}

/** Returns the one browser window the double created. */
function onlyBrowserWindow(): FakeBrowserWindow {
  expect(FakeBrowserWindow.instances).toHaveLength(1);
  return FakeBrowserWindow.instances[0]!;
}

describe("DashboardWindow", () => {
  beforeEach(() => {
    resetElectronDouble();
  });

  it("creates no window until shown", () => {
    makeWindow();

    expect(FakeBrowserWindow.instances).toHaveLength(0);
  });

  it("creates a sandboxed window with the preload", () => {
    makeWindow().show();

    const preferences = onlyBrowserWindow().options.webPreferences;
    expect(preferences).toMatchObject({
      preload: "/opt/Tokentap/app/dist/preload/preload.cjs",
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    });
  });

  it("loads the built page from its file", () => {
    makeWindow().show();

    expect(onlyBrowserWindow().loadedFile?.path).toBe(HTML_PATH);
  });

  it("opens a new window at the section asked for", () => {
    makeWindow().show("settings");

    expect(onlyBrowserWindow().loadedFile?.options).toEqual({
      hash: "settings",
    });
  });

  it("moves a shown window to the section asked for", () => {
    const window = makeWindow();
    window.show();
    window.show("settings");

    expect(onlyBrowserWindow().webContents.scripts).toEqual([
      'location.hash = "settings"; document.getElementById("settings")?.scrollIntoView();',
    ]);
  });

  it("hides instead of closing", () => {
    const window = makeWindow();
    window.show();
    const browserWindow = onlyBrowserWindow();

    const event = browserWindow.close();

    expect(event.defaultPrevented).toBe(true);
    expect(browserWindow.isVisible()).toBe(false);
    expect(browserWindow.isDestroyed()).toBe(false);
  });

  it("closes for real while quitting", () => {
    const window = makeWindow();
    window.show();
    window.prepareToQuit();

    onlyBrowserWindow().close();

    expect(onlyBrowserWindow().isDestroyed()).toBe(true);
    expect(window.webContents).toBeNull();
  });

  it("restores and focuses a minimized window when shown", () => {
    const window = makeWindow();
    window.show();
    const browserWindow = onlyBrowserWindow();
    browserWindow.minimize();
    browserWindow.focused = false;

    window.show();

    expect(browserWindow.isMinimized()).toBe(false);
    expect(browserWindow.focused).toBe(true);
  });

  it("reports visibility changes", () => {
    const window = makeWindow();
    const changes: boolean[] = [];
    window.onVisibilityChange((visible) => changes.push(visible));

    window.show();
    const browserWindow = onlyBrowserWindow();
    browserWindow.minimize();
    browserWindow.restore();
    browserWindow.hide();

    expect(changes).toEqual([true, false, true, false]);
  });

  it("reports a page that loads anew", () => {
    const window = makeWindow();
    let resets = 0;
    window.onPageReset(() => resets++);
    window.show();
    const contents = onlyBrowserWindow().webContents;

    contents.emit("did-start-navigation", {
      url: APP_URL,
      isMainFrame: true,
      isSameDocument: false,
    });
    contents.emit("did-start-navigation", {
      url: `${APP_URL}#settings`,
      isMainFrame: true,
      isSameDocument: true,
    });

    expect(resets).toBe(1);
  });

  it("reports a renderer process that ended", () => {
    const window = makeWindow();
    let resets = 0;
    window.onPageReset(() => resets++);
    window.show();

    onlyBrowserWindow().webContents.emit(
      "render-process-gone",
      {},
      { reason: "crashed", exitCode: 139 },
    );

    expect(resets).toBe(1);
  });

  describe("navigation", () => {
    it("allows its own page", () => {
      makeWindow().show();
      const contents = onlyBrowserWindow().webContents;

      const event = contents.emitNavigation("will-navigate", `${APP_URL}#x`);

      expect(event.defaultPrevented).toBe(false);
    });

    it("blocks other files", () => {
      makeWindow().show();
      const contents = onlyBrowserWindow().webContents;

      const event = contents.emitNavigation(
        "will-navigate",
        "file:///etc/passwd",
      );

      expect(event.defaultPrevented).toBe(true);
      expect(shell.openedExternal).toEqual([]);
    });

    it("opens web links in the system browser", () => {
      makeWindow().show();
      const contents = onlyBrowserWindow().webContents;

      const event = contents.emitNavigation(
        "will-navigate",
        "https://github.com/ollama/ollama",
      );

      expect(event.defaultPrevented).toBe(true);
      expect(shell.openedExternal).toEqual([
        "https://github.com/ollama/ollama",
      ]);
    });

    it("blocks redirects away from its page", () => {
      makeWindow().show();
      const contents = onlyBrowserWindow().webContents;

      const event = contents.emitNavigation(
        "will-redirect",
        "file:///home/user/.ssh/id_ed25519",
      );

      expect(event.defaultPrevented).toBe(true);
    });

    it("denies new windows and opens web links outside", () => {
      makeWindow().show();
      const handler = onlyBrowserWindow().webContents.windowOpenHandler!;

      expect(handler({ url: "http://127.0.0.1:4321/metrics" })).toEqual({
        action: "deny",
      });
      expect(handler({ url: "file:///etc/hosts" })).toEqual({
        action: "deny",
      });
      expect(shell.openedExternal).toEqual(["http://127.0.0.1:4321/metrics"]);
    });

    it("blocks webviews", () => {
      makeWindow().show();
      const contents = onlyBrowserWindow().webContents;

      const event = contents.emitNavigation("will-attach-webview", "");

      expect(event.defaultPrevented).toBe(true);
    });
  });
});

describe("installContentSecurityPolicy", () => {
  beforeEach(() => {
    resetElectronDouble();
  });

  it("adds the policy header to file pages", () => {
    installContentSecurityPolicy(session.defaultSession as never);
    const [registered] = session.defaultSession.webRequest.headerListeners;
    const listener = registered!.listener as (
      details: { responseHeaders: Record<string, string[]> },
      callback: (response: unknown) => void,
    ) => void;

    let response: unknown;
    listener(
      { responseHeaders: { "Content-Type": ["text/html"] } },
      (value) => {
        response = value;
      },
    );

    expect(registered!.filter).toMatchObject({ urls: ["file://*/*"] });
    expect(response).toEqual({
      responseHeaders: {
        "Content-Type": ["text/html"],
        "Content-Security-Policy": [CONTENT_SECURITY_POLICY],
      },
    });
  });

  it("denies every permission request", () => {
    installContentSecurityPolicy(session.defaultSession as never);
    const handler = session.defaultSession.permissionHandler as (
      contents: unknown,
      permission: string,
      callback: (granted: boolean) => void,
    ) => void;

    let granted: boolean | undefined;
    handler(null, "notifications", (value) => {
      granted = value;
    });

    expect(granted).toBe(false);
  });
});
