import { describe, expect, it } from "vitest";

import { parseShellOptions } from "../../main/shell/shell-options.js";

describe("parseShellOptions", () => {
  it("starts in the tray by default", () => {
    expect(parseShellOptions(["/opt/Tokentap/tokentap"])).toEqual({
      openWindowAtStart: false,
      hideDockIcon: false,
      logLevel: "info",
    });
  });

  it("reads its flags among foreign ones", () => {
    const options = parseShellOptions([
      "/opt/Tokentap/tokentap",
      "--no-sandbox",
      "--open-window",
      "--hide-dock-icon",
      "--log-level=debug",
      "-psn_0_12345",
    ]);

    expect(options).toEqual({
      openWindowAtStart: true,
      hideDockIcon: true,
      logLevel: "debug",
    });
  });

  it("rejects an unknown log level", () => {
    expect(() => parseShellOptions(["--log-level=loud"])).toThrow(
      'invalid --log-level "loud": use one of debug, info, warn, error',
    );
  });
});
