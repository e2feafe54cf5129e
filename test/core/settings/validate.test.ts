import { describe, expect, it } from "vitest";

import { settingsJsonSchema } from "../../../main/core/settings/json-schema.js";
import { DEFAULT_SETTINGS } from "../../../main/core/settings/settings.js";
import {
  InvalidSettingsError,
  validateSettings,
  validateSettingsPatch,
} from "../../../main/core/settings/validate.js";

function issuesOf(input: unknown): string[] {
  try {
    validateSettingsPatch(input);
  } catch (error) {
    if (error instanceof InvalidSettingsError)
      return error.issues.map((issue) => issue.message);
    throw error;
  }
  return [];
}

describe("validateSettings", () => {
  it("fills defaults for an empty object", () => {
    expect(validateSettings({})).toEqual(DEFAULT_SETTINGS);
  });

  it("keeps valid values", () => {
    const settings = validateSettings({
      listen: "[::1]:5000",
      historySize: 5,
      capturePrompts: true,
    });

    expect(settings.listen).toBe("[::1]:5000");
    expect(settings.historySize).toBe(5);
    expect(settings.capturePrompts).toBe(true);
  });

  it("names the setting, the value and the range", () => {
    expect(issuesOf({ storeSize: 0 })).toEqual([
      "invalid storeSize 0: use an integer from 1 to 1000000",
    ]);
  });

  it("rejects a fractional integer", () => {
    expect(issuesOf({ gpuIntervalMs: 1500.5 })[0]).toContain(
      "gpuIntervalMs 1500.5",
    );
  });

  it("rejects a GPU interval below 250 ms", () => {
    expect(issuesOf({ gpuIntervalMs: 100 })[0]).toContain(
      "from 250 to 3600000",
    );
  });

  it("rejects a malformed listen address", () => {
    expect(issuesOf({ listen: "localhost" })[0]).toContain(
      'invalid listen address "localhost"',
    );
  });

  it("rejects an upstream with an unsupported scheme", () => {
    expect(issuesOf({ upstream: "ftp://127.0.0.1" })[0]).toContain(
      "protocol ftp: is not supported",
    );
  });

  it("rejects a string where a boolean belongs", () => {
    expect(issuesOf({ historyEnabled: "yes" })[0]).toBe(
      'invalid historyEnabled "yes": use true or false',
    );
  });

  it("rejects unknown settings", () => {
    expect(issuesOf({ colour: "blue" })[0]).toContain(
      'unknown setting "colour"',
    );
  });

  it("lists every issue at once", () => {
    expect(issuesOf({ storeSize: -1, historyEnabled: 1 })).toHaveLength(2);
  });

  it("rejects a non-object", () => {
    expect(issuesOf([1, 2])[0]).toContain("JSON object");
  });
});

describe("settingsJsonSchema", () => {
  it("carries each default", () => {
    const schema = settingsJsonSchema();

    for (const [name, value] of Object.entries(DEFAULT_SETTINGS)) {
      expect(schema[name]?.default, name).toEqual(value);
    }
  });

  it("carries integer bounds", () => {
    expect(settingsJsonSchema().storeSize).toMatchObject({
      type: "integer",
      minimum: 1,
      maximum: 1_000_000,
    });
  });
});
