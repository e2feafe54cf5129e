import { Menu, nativeImage, Tray, type NativeImage } from "electron";

import type { Logger } from "../core/log.js";
import type { Snapshot } from "../core/snapshot/snapshot.js";
import { throttle, type Throttled } from "./throttle.js";
import {
  buildTrayMenu,
  trayIconState,
  trayTooltip,
  type TrayActions,
  type TrayIconState,
} from "./tray-menu.js";

/** Shortest time between two menu rebuilds. */
export const TRAY_REBUILD_INTERVAL_MS = 500;

/** Time between rebuilds that only refresh the request ages ("12 s ago"). */
export const TRAY_AGE_REFRESH_MS = 10_000;

export interface TrayControllerOptions {
  tokentap: {
    subscribe(listener: (snapshot: Snapshot) => void): () => void;
    currentSettings(): { listen: string };
  };
  iconPaths: Record<TrayIconState, string>;
  actions: TrayActions;
  /** Messages the menu shows under the proxy state. */
  notices: () => readonly string[];
  logger: Logger;
  /** Windows opens the dashboard on a left click; other platforms open the menu. */
  platform: NodeJS.Platform;
}

/**
 * The tray icon and its menu. The menu is rebuilt as a new Menu and set
 * again when a snapshot arrives and every `TRAY_AGE_REFRESH_MS`, because
 * Linux shows changes only that way. Rebuilds are throttled to one per
 * `TRAY_REBUILD_INTERVAL_MS`.
 */
export class TrayController {
  private tray: Tray | null = null;
  private readonly icons: Record<TrayIconState, NativeImage>;
  private iconState: TrayIconState | null = null;
  private latest: Snapshot | null = null;
  private unsubscribe: (() => void) | null = null;
  private ageTimer: NodeJS.Timeout | null = null;
  private readonly rebuild: Throttled;

  constructor(private readonly options: TrayControllerOptions) {
    this.icons = loadIcons(options.iconPaths);
    this.rebuild = throttle(() => this.refresh(), TRAY_REBUILD_INTERVAL_MS);
  }

  /** Creates the tray icon and starts following the core's snapshots. */
  start(): void {
    const tray = new Tray(this.icons.off);
    this.tray = tray;
    tray.setToolTip("Tokentap");
    if (this.options.platform === "win32") {
      tray.on("click", () => this.options.actions.openDashboard());
    }

    this.unsubscribe = this.options.tokentap.subscribe((snapshot) => {
      this.latest = snapshot;
      this.rebuild.call();
    });

    this.ageTimer = setInterval(() => this.rebuild.call(), TRAY_AGE_REFRESH_MS);
    this.ageTimer.unref();
  }

  /** Rebuilds the menu, tooltip and icon from the latest snapshot now. */
  refresh(): void {
    const tray = this.tray;
    const snapshot = this.latest;
    if (!tray || !snapshot) return;

    const template = buildTrayMenu(snapshot, {
      actions: this.options.actions,
      listen: this.options.tokentap.currentSettings().listen,
      notices: this.options.notices(),
    });
    tray.setContextMenu(Menu.buildFromTemplate(template));
    tray.setToolTip(trayTooltip(snapshot));

    const state = trayIconState(snapshot);
    if (state !== this.iconState) {
      tray.setImage(this.icons[state]);
      this.iconState = state;
      this.options.logger.debug("tray icon changed", { state });
    }
  }

  /** Stops following snapshots and removes the tray icon. */
  destroy(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.rebuild.cancel();
    if (this.ageTimer) clearInterval(this.ageTimer);
    this.ageTimer = null;
    this.tray?.destroy();
    this.tray = null;
  }
}

/** Loads every tray icon up front, so a broken file fails at start and not at the first state change. */
function loadIcons(
  paths: Record<TrayIconState, string>,
): Record<TrayIconState, NativeImage> {
  const entries = Object.entries(paths).map(([state, path]) => {
    const image = nativeImage.createFromPath(path);
    if (image.isEmpty()) {
      throw new Error(
        `the tray icon ${path} is not a readable image; reinstall Tokentap or rebuild its assets`,
      );
    }
    return [state, image] as const;
  });
  return Object.fromEntries(entries) as Record<TrayIconState, NativeImage>;
}
