import { pathToFileURL } from "node:url";

import { BrowserWindow, shell, type Session, type WebContents } from "electron";

import { describeError } from "../core/errors.js";
import type { Logger } from "../core/log.js";
import {
  CONTENT_SECURITY_POLICY,
  decideNavigation,
  decideWindowOpen,
  type NavigationDecision,
} from "./navigation.js";

/**
 * A part of the page the window can open at, as a URL fragment: the page
 * scrolls to the element with that id.
 */
export type WindowSection = "settings";

export interface DashboardWindowOptions {
  preloadPath: string;
  htmlPath: string;
  iconPath: string;
  logger: Logger;
}

type VisibilityListener = (visible: boolean) => void;

/**
 * The dashboard window: created on first use, hidden instead of closed so
 * the app stays in the tray, sandboxed, and kept on the app's own page.
 */
export class DashboardWindow {
  /** File URL of the page, the only URL the window shows. */
  readonly appUrl: string;
  private window: BrowserWindow | null = null;
  private quitting = false;
  private visible = false;
  private readonly visibilityListeners = new Set<VisibilityListener>();
  private readonly pageResetListeners = new Set<() => void>();

  constructor(private readonly options: DashboardWindowOptions) {
    this.appUrl = pathToFileURL(options.htmlPath).href;
  }

  /** The page's web contents, or null while the window does not exist. */
  get webContents(): WebContents | null {
    const window = this.window;
    if (!window || window.isDestroyed()) return null;
    return window.webContents;
  }

  /** Whether the window is shown and not minimized. */
  get isVisible(): boolean {
    return this.visible;
  }

  /** Shows and focuses the window, creating it on first use; `section` opens that part of the page. */
  show(section?: WindowSection): void {
    const existing = this.window;

    if (!existing || existing.isDestroyed()) {
      this.create(section);
      return;
    }

    if (section) this.openSection(existing, section);
    if (existing.isMinimized()) existing.restore();
    existing.show();
    existing.focus();
  }

  hide(): void {
    this.window?.hide();
  }

  /** Calls `listener` whenever the window becomes visible or stops being visible; returns the function that stops it. */
  onVisibilityChange(listener: VisibilityListener): () => void {
    this.visibilityListeners.add(listener);
    return () => this.visibilityListeners.delete(listener);
  }

  /** Calls `listener` when the page starts loading anew or its renderer process ends; returns the function that stops it. */
  onPageReset(listener: () => void): () => void {
    this.pageResetListeners.add(listener);
    return () => this.pageResetListeners.delete(listener);
  }

  /** Lets the window close for real, as the app is quitting. */
  prepareToQuit(): void {
    this.quitting = true;
  }

  private create(section: WindowSection | undefined): void {
    const window = new BrowserWindow({
      width: 1100,
      height: 780,
      minWidth: 640,
      minHeight: 480,
      title: "Tokentap",
      icon: this.options.iconPath,
      show: false,
      autoHideMenuBar: true,
      webPreferences: {
        preload: this.options.preloadPath,
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        webSecurity: true,
        webviewTag: false,
        spellcheck: false,
      },
    });
    this.window = window;

    this.keepOnAppPage(window.webContents);
    this.trackVisibility(window);
    window.on("close", (event) => {
      if (this.quitting) return;
      event.preventDefault();
      window.hide();
    });

    const loadOptions = section ? { hash: section } : undefined;
    window
      .loadFile(this.options.htmlPath, loadOptions)
      .catch((error: unknown) =>
        this.options.logger.error("could not load the window's page", {
          path: this.options.htmlPath,
          error: describeError(error),
        }),
      );
    window.show();
    window.focus();
  }

  private openSection(window: BrowserWindow, section: WindowSection): void {
    // Setting the hash moves the page without reloading it. Scrolling as
    // well covers a hash that is already set, which would not move again.
    const id = JSON.stringify(section);
    const script = `location.hash = ${id}; document.getElementById(${id})?.scrollIntoView();`;
    window.webContents.executeJavaScript(script).catch((error: unknown) =>
      this.options.logger.warn("could not open the window section", {
        section,
        error: describeError(error),
      }),
    );
  }

  private keepOnAppPage(contents: WebContents): void {
    const { logger } = this.options;

    const route = (
      url: string,
      decision: NavigationDecision,
      kind: string,
    ): void => {
      if (decision === "allow") return;
      logger.warn(`${kind} blocked`, { url, decision });
      if (decision === "open-external") {
        shell.openExternal(url).catch((error: unknown) =>
          logger.error("could not open the link in the browser", {
            url,
            error: describeError(error),
          }),
        );
      }
    };

    contents.on("will-navigate", (details) => {
      const decision = decideNavigation(details.url, this.appUrl);
      if (decision !== "allow") details.preventDefault();
      route(details.url, decision, "navigation");
    });
    contents.on("will-redirect", (details) => {
      const decision = decideNavigation(details.url, this.appUrl);
      if (decision !== "allow") details.preventDefault();
      route(details.url, decision, "redirect");
    });
    contents.setWindowOpenHandler(({ url }) => {
      route(url, decideWindowOpen(url), "new window");
      return { action: "deny" };
    });
    contents.on("will-attach-webview", (event) => event.preventDefault());

    contents.on("did-start-navigation", (details) => {
      if (details.isMainFrame && !details.isSameDocument) this.resetPage();
    });
    contents.on("render-process-gone", (_event, details) => {
      logger.error("the window's renderer process ended", {
        reason: details.reason,
        exitCode: details.exitCode,
      });
      this.resetPage();
    });
  }

  private trackVisibility(window: BrowserWindow): void {
    const update = () =>
      this.setVisible(
        !window.isDestroyed() && window.isVisible() && !window.isMinimized(),
      );

    window.on("show", update);
    window.on("hide", update);
    window.on("minimize", update);
    window.on("restore", update);
    window.on("closed", () => {
      this.window = null;
      this.setVisible(false);
    });
  }

  private setVisible(visible: boolean): void {
    if (visible === this.visible) return;
    this.visible = visible;
    for (const listener of this.visibilityListeners) listener(visible);
  }

  private resetPage(): void {
    for (const listener of this.pageResetListeners) listener();
  }
}

/**
 * Adds the Content-Security-Policy header to the app's own pages. The page
 * carries its own policy in a meta tag, and where both apply a resource
 * must pass both.
 */
export function installContentSecurityPolicy(session: Session): void {
  // NOTE: Electron's security guide states that headers cannot be set for
  // file:// pages, but recent versions are reported to call this hook for
  // them. The page's meta tag is the policy relied on, and this header adds
  // to it where Electron applies it.
  session.webRequest.onHeadersReceived(
    { urls: ["file://*/*"], types: ["mainFrame", "subFrame"] },
    (details, callback) => {
      callback({
        responseHeaders: {
          ...details.responseHeaders,
          "Content-Security-Policy": [CONTENT_SECURITY_POLICY],
        },
      });
    },
  );

  // The page needs no camera, notifications or other permissions.
  session.setPermissionRequestHandler((_contents, _permission, callback) =>
    callback(false),
  );
}
