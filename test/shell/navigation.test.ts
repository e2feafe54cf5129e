import { describe, expect, it } from "vitest";

import {
  decideNavigation,
  decideWindowOpen,
  isAppUrl,
} from "../../main/shell/navigation.js";

const APP_URL =
  "file:///opt/Tokentap/resources/app.asar/dist/renderer/index.html";

describe("isAppUrl", () => {
  it("accepts the page with a hash", () => {
    expect(isAppUrl(`${APP_URL}#settings`, APP_URL)).toBe(true);
  });

  it("rejects another file", () => {
    expect(isAppUrl("file:///etc/passwd", APP_URL)).toBe(false);
  });

  it("rejects a web page", () => {
    expect(isAppUrl("https://example.com/index.html", APP_URL)).toBe(false);
  });

  it("rejects text that is not a URL", () => {
    expect(isAppUrl("index.html", APP_URL)).toBe(false);
  });
});

describe("decideNavigation", () => {
  it("allows the app's own page", () => {
    expect(decideNavigation(`${APP_URL}#dashboard`, APP_URL)).toBe("allow");
  });

  it("sends web links to the system browser", () => {
    expect(decideNavigation("https://ollama.com/library", APP_URL)).toBe(
      "open-external",
    );
  });

  it("blocks other files", () => {
    expect(decideNavigation("file:///home/user/notes.html", APP_URL)).toBe(
      "block",
    );
  });

  it("blocks other schemes", () => {
    expect(decideNavigation("javascript:alert(1)", APP_URL)).toBe("block");
  });
});

describe("decideWindowOpen", () => {
  it("sends web links to the system browser", () => {
    expect(decideWindowOpen("http://127.0.0.1:4321/metrics")).toBe(
      "open-external",
    );
  });

  it("blocks file links", () => {
    expect(decideWindowOpen(APP_URL)).toBe("block");
  });
});
