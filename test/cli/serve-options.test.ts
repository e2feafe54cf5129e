import { describe, expect, it } from "vitest";

import {
  parseServeOptions,
  type ServeOptions,
} from "../../main/cli/serve-options.js";
import { DEFAULT_SETTINGS } from "../../main/core/settings/settings.js";

function parse(args: string[], env: NodeJS.ProcessEnv = {}): ServeOptions {
  const options = parseServeOptions(
    args,
    { HOME: "/home/user", ...env },
    "linux",
  );
  if (options === "help") throw new Error("unexpected help");
  return options;
}

function errorOf(args: string[], env: NodeJS.ProcessEnv = {}): string {
  try {
    parse(args, env);
  } catch (error) {
    return (error as Error).message;
  }
  return "no error";
}

describe("parseServeOptions", () => {
  it("uses the defaults", () => {
    const options = parse([]);

    expect(options.settings).toEqual(DEFAULT_SETTINGS);
    expect(options.graceMs).toBe(10_000);
    expect(options.logLevel).toBe("info");
  });

  it("prefers a flag over its variable", () => {
    expect(
      parse(["--listen", "127.0.0.1:5000"], {
        TOKENTAP_LISTEN: "127.0.0.1:6000",
      }).settings.listen,
    ).toBe("127.0.0.1:5000");
  });

  it("reads a variable when the flag is absent", () => {
    expect(parse([], { TOKENTAP_STORE_SIZE: "42" }).settings.storeSize).toBe(
      42,
    );
  });

  it("treats an empty variable as unset", () => {
    expect(parse([], { TOKENTAP_LISTEN: "" }).settings.listen).toBe(
      DEFAULT_SETTINGS.listen,
    );
  });

  it("names the variable in its error", () => {
    expect(errorOf([], { TOKENTAP_LISTEN: "bad" })).toContain(
      'invalid TOKENTAP_LISTEN address "bad"',
    );
  });

  it("names the flag in its error", () => {
    expect(errorOf(["--store-size", "ten"])).toBe(
      'invalid --store-size "ten": use a whole number',
    );
  });

  it("converts the GPU interval from seconds", () => {
    expect(parse(["--gpu-interval", "0.5"]).settings.gpuIntervalMs).toBe(500);
  });

  it("accepts a log level in any case", () => {
    expect(parse([], { TOKENTAP_LOG_LEVEL: "DEBUG" }).logLevel).toBe("debug");
  });

  it("turns history off with --no-history", () => {
    const options = parse(["--no-history"]);

    expect(options.settings.historyEnabled).toBe(false);
    expect(options.dataDir).toBeNull();
  });

  it("turns history off with TOKENTAP_HISTORY=off", () => {
    expect(parse([], { TOKENTAP_HISTORY: "OFF" }).dataDir).toBeNull();
  });

  it("rejects an unclear switch value", () => {
    expect(errorOf([], { TOKENTAP_CAPTURE_PROMPTS: "maybe" })).toBe(
      'invalid TOKENTAP_CAPTURE_PROMPTS "maybe": use on or off',
    );
  });

  it("puts history in the XDG data folder", () => {
    expect(parse([], { XDG_DATA_HOME: "/data" }).dataDir).toBe(
      "/data/tokentap",
    );
  });

  it("reads allowed hosts from a list", () => {
    expect(
      parse([], { TOKENTAP_ALLOW_HOSTS: "gpu-1.lan, gpu-2.lan" }).allowedHosts,
    ).toEqual(["gpu-1.lan", "gpu-2.lan"]);
  });

  it("rejects an allowed host with a port", () => {
    expect(errorOf(["--allow-host", "gpu-1.lan:4321"])).toContain(
      "without a port",
    );
  });

  it("rejects an unknown flag", () => {
    expect(errorOf(["--colour"])).toContain("--colour");
  });

  it("returns help for --help", () => {
    expect(parseServeOptions(["--help"], {})).toBe("help");
  });
});
