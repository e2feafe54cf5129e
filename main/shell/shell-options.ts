import type { LogLevel } from "../core/log.js";

/** Start-up options of the desktop app, read from its command line. */
export interface ShellOptions {
  /** Open the window at start instead of living in the tray only (`--open-window`). */
  openWindowAtStart: boolean;
  /** Hide the macOS dock icon, so the app shows in the menu bar only (`--hide-dock-icon`). */
  hideDockIcon: boolean;
  /** Lowest level written to the log file (`--log-level=LEVEL`). */
  logLevel: LogLevel;
}

const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];

/**
 * Reads the shell's flags from the process arguments. Other arguments pass
 * without complaint, because Electron, Chromium and the operating system
 * add their own (for example `--no-sandbox` or macOS's `-psn_` argument).
 */
export function parseShellOptions(argv: readonly string[]): ShellOptions {
  const options: ShellOptions = {
    openWindowAtStart: false,
    hideDockIcon: false,
    logLevel: "info",
  };

  for (const arg of argv) {
    if (arg === "--open-window") options.openWindowAtStart = true;
    else if (arg === "--hide-dock-icon") options.hideDockIcon = true;
    else if (arg.startsWith("--log-level=")) {
      options.logLevel = parseLogLevel(arg.slice("--log-level=".length));
    }
  }

  return options;
}

function parseLogLevel(value: string): LogLevel {
  const level = LOG_LEVELS.find((name) => name === value);
  if (!level) {
    throw new Error(
      `invalid --log-level "${value}": use one of ${LOG_LEVELS.join(", ")}`,
    );
  }
  return level;
}
