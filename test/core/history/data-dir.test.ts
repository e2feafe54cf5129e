import { describe, expect, it } from "vitest";

import { defaultDataDir } from "../../../main/core/history/data-dir.js";

describe("defaultDataDir", () => {
  it("uses XDG_DATA_HOME on Linux", () => {
    const folder = defaultDataDir(
      { XDG_DATA_HOME: "/data/home" },
      "linux",
      "/home/ada",
    );

    expect(folder).toBe("/data/home/tokentap");
  });

  it("falls back to ~/.local/share on Linux", () => {
    expect(defaultDataDir({}, "linux", "/home/ada")).toBe(
      "/home/ada/.local/share/tokentap",
    );
  });

  it("ignores a relative XDG_DATA_HOME", () => {
    expect(
      defaultDataDir({ XDG_DATA_HOME: "data" }, "linux", "/home/ada"),
    ).toBe("/home/ada/.local/share/tokentap");
  });

  it("ignores an empty XDG_DATA_HOME", () => {
    expect(defaultDataDir({ XDG_DATA_HOME: "" }, "freebsd", "/home/ada")).toBe(
      "/home/ada/.local/share/tokentap",
    );
  });

  it("uses Application Support on macOS", () => {
    expect(defaultDataDir({}, "darwin", "/Users/ada")).toBe(
      "/Users/ada/Library/Application Support/tokentap",
    );
  });

  it("uses APPDATA on Windows", () => {
    const folder = defaultDataDir(
      { APPDATA: "C:\\Users\\ada\\AppData\\Roaming" },
      "win32",
      "C:\\Users\\ada",
    );

    expect(folder).toBe("C:\\Users\\ada\\AppData\\Roaming\\tokentap");
  });

  it("falls back to AppData\\Roaming on Windows", () => {
    expect(defaultDataDir({}, "win32", "C:\\Users\\ada")).toBe(
      "C:\\Users\\ada\\AppData\\Roaming\\tokentap",
    );
  });
});
