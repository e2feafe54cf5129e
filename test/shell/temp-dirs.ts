import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

import { trayIconFileName } from "../../main/shell/shell-paths.js";

/** Files of an app folder, relative to it, as the build and the icon step leave them. */
export function appFiles(platform: NodeJS.Platform): string[] {
  return [
    "dist/preload/preload.cjs",
    "dist/renderer/index.html",
    "assets/icon.png",
    ...(["on", "off", "error"] as const).map(
      (state) => `assets/tray/${trayIconFileName(state, platform)}`,
    ),
  ];
}

/** Creates a temporary folder; `remove` deletes it with everything in it. */
export async function makeTempDir(
  prefix: string,
): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `tokentap-${prefix}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Writes placeholder files for `files` under `root`, all but those in `leaveOut`. */
export async function writeAppFiles(
  root: string,
  files: readonly string[],
  leaveOut: readonly string[] = [],
): Promise<void> {
  for (const file of files) {
    if (leaveOut.includes(file)) continue;
    const path = join(root, file);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, "placeholder");
  }
}
