import { app, clipboard, dialog, session } from "electron";

import { describeError } from "../core/errors.js";
import type { Logger } from "../core/log.js";
import { Tokentap, type GpuSamplerFactory } from "../core/tokentap.js";
import { registerIpc, type IpcRegistration } from "./ipc.js";
import {
  recoveryMessage,
  SettingsStore,
  type SettingsRecovery,
} from "./settings-store.js";
import { resolveShellPaths } from "./shell-paths.js";
import type { ShellOptions } from "./shell-options.js";
import { TrayController } from "./tray.js";
import type { TrayActions } from "./tray-menu.js";
import {
  DashboardWindow,
  installContentSecurityPolicy,
  type WindowSection,
} from "./window.js";

export interface DesktopAppOptions {
  logger: Logger;
  shell: ShellOptions;
  createGpuSampler?: GpuSamplerFactory;
  /** Folder holding `dist/` and `assets/`; the app's own folder by default. */
  appRoot?: string;
  platform?: NodeJS.Platform;
}

/** The running desktop app. */
export interface DesktopApp {
  tokentap: Tokentap;
  settings: SettingsStore;
  window: DashboardWindow;
  tray: TrayController;
  ipc: IpcRegistration;
  /** Stops the core, which writes the pending history, then exits; later calls return the same promise. */
  quit(): Promise<void>;
}

/**
 * Starts the desktop app: takes the single-instance lock, opens the
 * settings, starts the core and puts the app in the tray. Resolves with
 * null when another instance holds the lock; that instance opens its
 * window and this one quits.
 */
export async function startDesktopApp(
  options: DesktopAppOptions,
): Promise<DesktopApp | null> {
  const { logger } = options;
  const platform = options.platform ?? process.platform;

  if (!app.requestSingleInstanceLock()) {
    logger.info("Tokentap is already running; its window opens instead");
    app.quit();
    return null;
  }

  // A second launch can arrive before the window exists; it opens once ready.
  let openWindow: (section?: WindowSection) => void = () => {
    openWhenReady = true;
  };
  let openWhenReady = options.shell.openWindowAtStart;
  app.on("second-instance", () => {
    logger.info("second launch; opening the window");
    openWindow();
  });
  // The app lives in the tray: closing every window must not quit it.
  app.on("window-all-closed", () => {});

  await app.whenReady();
  const paths = resolveShellPaths(
    options.appRoot ?? app.getAppPath(),
    platform,
  );

  const dataDir = app.getPath("userData");
  const settings = SettingsStore.open({
    cwd: dataDir,
    logger: logger.child("settings"),
  });
  const tokentap = new Tokentap({
    settings: settings.settings,
    dataDir,
    logger,
    createGpuSampler: options.createGpuSampler,
  });
  await startCore(tokentap, logger);

  installContentSecurityPolicy(session.defaultSession);
  const window = new DashboardWindow({
    preloadPath: paths.preload,
    htmlPath: paths.html,
    iconPath: paths.appIcon,
    logger: logger.child("window"),
  });
  openWindow = (section) => window.show(section);

  const ipc = registerIpc({
    window,
    tokentap,
    settings,
    dataDir,
    logger: logger.child("ipc"),
  });

  let quitting: Promise<void> | null = null;
  const quit = (): Promise<void> => {
    quitting ??= stopAndExit({ logger, window, tray, ipc, tokentap });
    return quitting;
  };

  const notices = settings.recovery ? [recoveryMessage(settings.recovery)] : [];
  const tray = new TrayController({
    tokentap,
    iconPaths: paths.trayIcons,
    actions: trayActions(window, tokentap, quit),
    notices: () => notices,
    logger: logger.child("tray"),
    platform,
  });
  tray.start();

  // Quitting by other means (Cmd+Q, the dock menu, logging out) stops the core the same way.
  app.on("before-quit", (event) => {
    if (quitting) return;
    event.preventDefault();
    void quit();
  });
  app.on("activate", () => window.show());

  if (options.shell.hideDockIcon) app.dock?.hide();
  if (settings.recovery) tellSettingsReset(settings.recovery, logger);
  if (openWhenReady) window.show();

  return { tokentap, settings, window, tray, ipc, quit };
}

/**
 * Starts the core. A listen address that cannot be bound is not fatal: the
 * core keeps the error, the tray shows it with the fix, and the user can
 * choose another port in Settings.
 */
async function startCore(tokentap: Tokentap, logger: Logger): Promise<void> {
  try {
    await tokentap.start();
  } catch (error) {
    logger.warn(
      "running without a listening proxy until the listen address is changed",
      {
        error: describeError(error),
      },
    );
  }
}

function trayActions(
  window: DashboardWindow,
  tokentap: Tokentap,
  quit: () => Promise<void>,
): TrayActions {
  return {
    setProxyEnabled: (enabled) => tokentap.setProxyEnabled(enabled),
    openDashboard: () => window.show(),
    openSettings: () => window.show("settings"),
    copyText: (text) => clipboard.writeText(text),
    quit: () => void quit(),
  };
}

async function stopAndExit(parts: {
  logger: Logger;
  window: DashboardWindow;
  tray: TrayController;
  ipc: IpcRegistration;
  tokentap: Tokentap;
}): Promise<void> {
  const { logger } = parts;
  logger.info("quitting");

  parts.window.prepareToQuit();
  parts.tray.destroy();
  parts.ipc.dispose();

  let exitCode = 0;
  try {
    await parts.tokentap.stop();
  } catch (error) {
    exitCode = 1;
    logger.error("stopping the core failed", { error: describeError(error) });
  }

  app.exit(exitCode);
}

function tellSettingsReset(recovery: SettingsRecovery, logger: Logger): void {
  dialog
    .showMessageBox({
      type: "warning",
      title: "Tokentap settings reset",
      message: "Tokentap started with the default settings",
      detail: recoveryMessage(recovery),
    })
    .catch((error: unknown) =>
      logger.error("could not show the settings reset message", {
        error: describeError(error),
      }),
    );
}
