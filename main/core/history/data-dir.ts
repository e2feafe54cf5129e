import { homedir } from "node:os";
import path from "node:path";

/** Name of the folder created under the platform's data folder. */
export const DATA_DIR_NAME = "tokentap";

/**
 * Returns the data folder for headless use, following each platform's
 * convention: `$XDG_DATA_HOME/tokentap` or `~/.local/share/tokentap` on Linux
 * and other Unix systems, `~/Library/Application Support/tokentap` on macOS
 * and `%APPDATA%\tokentap` on Windows. The desktop shell passes its own
 * user data folder instead.
 */
export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  homeDir: string = homedir(),
): string {
  if (platform === "win32") {
    const appData =
      nonEmpty(env.APPDATA) ?? path.win32.join(homeDir, "AppData", "Roaming");
    return path.win32.join(appData, DATA_DIR_NAME);
  }

  if (platform === "darwin")
    return path.posix.join(
      homeDir,
      "Library",
      "Application Support",
      DATA_DIR_NAME,
    );

  // The XDG Base Directory Specification treats a relative path as invalid and ignores it.
  const xdgDataHome = nonEmpty(env.XDG_DATA_HOME);
  if (xdgDataHome !== undefined && path.posix.isAbsolute(xdgDataHome))
    return path.posix.join(xdgDataHome, DATA_DIR_NAME);

  return path.posix.join(homeDir, ".local", "share", DATA_DIR_NAME);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}
