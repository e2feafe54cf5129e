import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { Ajv, type ValidateFunction } from "ajv";
import yaml from "js-yaml";
import { beforeAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

type BuilderConfig = Record<string, unknown> & {
  linux: Record<string, unknown> & { target: unknown[] };
  mac: Record<string, unknown> & { extendInfo: Record<string, unknown> };
  win: Record<string, unknown>;
  dmg: Record<string, unknown>;
  directories: Record<string, unknown>;
};

function loadConfig(): BuilderConfig {
  return yaml.load(
    readFileSync(join(ROOT, "electron-builder.yml"), "utf8"),
  ) as BuilderConfig;
}

describe("electron-builder.yml", () => {
  let config: BuilderConfig;
  let validate: ValidateFunction;
  let ajv: Ajv;

  beforeAll(() => {
    config = loadConfig();
    // scheme.json uses the non-standard keyword "typeof" for hook options, which strict mode rejects.
    ajv = new Ajv({ allErrors: true, strict: false });
    const schemaPath = join(ROOT, "node_modules/app-builder-lib/scheme.json");
    validate = ajv.compile(
      JSON.parse(readFileSync(schemaPath, "utf8")) as object,
    );
  });

  it("matches electron-builder's own schema", () => {
    const valid = validate(config);

    expect(ajv.errorsText(validate.errors)).toBe("No errors");
    expect(valid).toBe(true);
  });

  it("fails the schema with an unknown option", () => {
    const broken = { ...config, linux: { ...config.linux, targets: ["deb"] } };

    expect(validate(broken)).toBe(false);
  });

  it("names the app and its output folder", () => {
    expect(config.appId).toBe("dev.tokentap.app");
    expect(config.productName).toBe("Tokentap");
    expect(config.directories.output).toBe("release");
    expect(config.asar).toBe(true);
  });

  it("builds AppImage, deb and tar.gz for Linux", () => {
    expect(config.linux.target).toEqual(["AppImage", "deb", "tar.gz"]);
    expect(config.linux.category).toBe("Development");
    expect(config.linux.maintainer).toMatch(/<[^@\s]+@[^@\s]+>$/);
  });

  it("builds a dmg for a tray-only app on macOS", () => {
    expect(config.mac.target).toBe("dmg");
    expect(config.mac.extendInfo.LSUIElement).toBe(true);
  });

  it("builds an NSIS installer for Windows", () => {
    expect(config.win.target).toBe("nsis");
  });

  it("points at icons that exist", () => {
    const icons = [
      config.linux.icon,
      config.mac.icon,
      config.dmg.icon,
      config.win.icon,
    ];

    for (const icon of icons) {
      expect(typeof icon).toBe("string");
      expect(existsSync(join(ROOT, String(icon))), String(icon)).toBe(true);
    }
  });
});
