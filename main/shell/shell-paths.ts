import { existsSync } from "node:fs";
import { join, relative } from "node:path";

import type { TrayIconState } from "./tray-menu.js";

/** The files the shell loads from the app folder. */
export interface ShellPaths {
  /** The bundled preload script, CommonJS. */
  preload: string;
  /** The built page of the window. */
  html: string;
  /** The window and taskbar icon. */
  appIcon: string;
  trayIcons: Record<TrayIconState, string>;
}

const TRAY_STATES: readonly TrayIconState[] = ["on", "off", "error"];

/** Files the shell needs are missing from the app folder. */
export class MissingShellFilesError extends Error {
  readonly code = "MISSING_SHELL_FILES";
  readonly paths: readonly string[];

  constructor(appRoot: string, paths: readonly string[]) {
    const names = paths.map((path) => relative(appRoot, path)).join(", ");
    super(
      `Tokentap cannot start because files are missing from ${appRoot}: ${names}; run "npm run build" and check that the package contains dist/ and assets/, or reinstall Tokentap`,
    );
    this.name = "MissingShellFilesError";
    this.paths = paths;
  }
}

/**
 * Returns the tray icon file for a state. macOS gets template images,
 * which the menu bar tints for light and dark mode; Electron picks the
 * `@2x` file next to a PNG by itself on high-density screens.
 */
export function trayIconFileName(
  state: TrayIconState,
  platform: NodeJS.Platform,
): string {
  if (platform === "darwin") return `tray-${state}-Template.png`;
  if (platform === "win32") return `tray-${state}.ico`;
  return `tray-${state}.png`;
}

/** Finds the shell's files under `appRoot`, throwing one error that lists every missing file. */
export function resolveShellPaths(
  appRoot: string,
  platform: NodeJS.Platform,
): ShellPaths {
  const trayDir = join(appRoot, "assets", "tray");
  const trayIcons = Object.fromEntries(
    TRAY_STATES.map((state) => [
      state,
      join(trayDir, trayIconFileName(state, platform)),
    ]),
  ) as Record<TrayIconState, string>;

  const paths: ShellPaths = {
    preload: join(appRoot, "dist", "preload", "preload.cjs"),
    html: join(appRoot, "dist", "renderer", "index.html"),
    appIcon: join(appRoot, "assets", "icon.png"),
    trayIcons,
  };

  const required = [
    paths.preload,
    paths.html,
    paths.appIcon,
    ...Object.values(trayIcons),
  ];
  const missing = required.filter((path) => !existsSync(path));
  if (missing.length > 0) throw new MissingShellFilesError(appRoot, missing);

  return paths;
}
