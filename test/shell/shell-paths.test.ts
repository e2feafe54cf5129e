import { join } from "node:path";

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import {
  MissingShellFilesError,
  resolveShellPaths,
  trayIconFileName,
} from "../../main/shell/shell-paths.js";
import { appFiles, makeTempDir, writeAppFiles } from "./temp-dirs.js";

describe("trayIconFileName", () => {
  it("picks template images on macOS", () => {
    expect(trayIconFileName("on", "darwin")).toBe("tray-on-Template.png");
  });

  it("picks ICO files on Windows", () => {
    expect(trayIconFileName("error", "win32")).toBe("tray-error.ico");
  });

  it("picks PNG files on Linux", () => {
    expect(trayIconFileName("off", "linux")).toBe("tray-off.png");
  });
});

describe("resolveShellPaths", () => {
  let root: Awaited<ReturnType<typeof makeTempDir>>;

  beforeEach(async () => {
    root = await makeTempDir("app-root");
  });

  afterEach(async () => {
    await root.remove();
  });

  it("finds every file of a complete app folder", async () => {
    await writeAppFiles(root.path, appFiles("darwin"));

    const paths = resolveShellPaths(root.path, "darwin");

    expect(paths.preload).toBe(join(root.path, "dist/preload/preload.cjs"));
    expect(paths.html).toBe(join(root.path, "dist/renderer/index.html"));
    expect(paths.trayIcons.error).toBe(
      join(root.path, "assets/tray/tray-error-Template.png"),
    );
  });

  it("names every missing file and the fix", async () => {
    const files = appFiles("linux");
    await writeAppFiles(root.path, files, [
      "assets/tray/tray-error.png",
      "dist/preload/preload.cjs",
    ]);

    let error: unknown;
    try {
      resolveShellPaths(root.path, "linux");
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(MissingShellFilesError);
    expect((error as Error).message).toContain(
      `missing from ${root.path}: dist/preload/preload.cjs, assets/tray/tray-error.png; run "npm run build"`,
    );
  });
});
