import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { silentLogger } from "../../main/core/log.js";
import {
  DEFAULT_SETTINGS,
  type Settings,
} from "../../main/core/settings/settings.js";
import type { SettingsUpdateResult } from "../../main/core/settings/update-result.js";
import {
  recoveryMessage,
  SettingsStore,
} from "../../main/shell/settings-store.js";
import { app, resetElectronDouble } from "../support/electron-double.js";
import { makeTempDir } from "./temp-dirs.js";

const NOW = new Date("2025-03-04T05:06:07.890Z");
const BACKUP_NAME = "config.json.corrupt-2025-03-04T05-06-07-890Z";

describe("SettingsStore", () => {
  let userData: Awaited<ReturnType<typeof makeTempDir>>;
  let configPath: string;

  beforeEach(async () => {
    resetElectronDouble();
    userData = await makeTempDir("user-data");
    app.setPath("userData", userData.path);
    configPath = join(userData.path, "config.json");
  });

  afterEach(async () => {
    await userData.remove();
  });

  function open(): SettingsStore {
    return SettingsStore.open({
      cwd: userData.path,
      logger: silentLogger,
      now: () => NOW,
    });
  }

  async function readConfig(): Promise<unknown> {
    return JSON.parse(await readFile(configPath, "utf8"));
  }

  it("creates the file with the defaults", async () => {
    const store = open();

    expect(store.settings).toEqual(DEFAULT_SETTINGS);
    expect(store.recovery).toBeNull();
    expect(await readConfig()).toEqual(DEFAULT_SETTINGS);
  });

  it("reads stored settings back", async () => {
    await writeFile(
      configPath,
      JSON.stringify({ listen: "127.0.0.1:5000", capturePrompts: true }),
    );

    const store = open();

    expect(store.settings.listen).toBe("127.0.0.1:5000");
    expect(store.settings.capturePrompts).toBe(true);
    expect(store.settings.upstream).toBe(DEFAULT_SETTINGS.upstream);
  });

  it("ignores keys that are not settings", async () => {
    await writeFile(
      configPath,
      JSON.stringify({ __internal__: { migrations: {} }, storeSize: 50 }),
    );

    expect(open().settings.storeSize).toBe(50);
  });

  const unusableFiles: Array<[string, string]> = [
    ["text that is not JSON", '{"listen": "127.0.0.1:4321",'],
    ["an empty file", ""],
    ["a value of the wrong type", JSON.stringify({ storeSize: "large" })],
    ["a malformed listen address", JSON.stringify({ listen: "localhost" })],
  ];

  for (const [name, content] of unusableFiles) {
    describe(`with ${name}`, () => {
      beforeEach(async () => {
        await writeFile(configPath, content);
      });

      it("starts with the defaults", () => {
        expect(open().settings).toEqual(DEFAULT_SETTINGS);
      });

      it("keeps the old file as a backup", async () => {
        open();

        expect(await readdir(userData.path)).toContain(BACKUP_NAME);
        expect(await readFile(join(userData.path, BACKUP_NAME), "utf8")).toBe(
          content,
        );
      });

      it("writes the defaults to the file", async () => {
        open();

        expect(await readConfig()).toEqual(DEFAULT_SETTINGS);
      });

      it("reports the recovery for the user", () => {
        const store = open();

        expect(store.recovery?.backupPath).toBe(
          join(userData.path, BACKUP_NAME),
        );
        expect(recoveryMessage(store.recovery!)).toContain(
          "Tokentap started with the default settings",
        );
      });
    });
  }

  it("saves a change the core accepted", async () => {
    const store = open();
    const applied: Settings = { ...DEFAULT_SETTINGS, storeSize: 20 };
    const target = {
      updateSettings: async (): Promise<SettingsUpdateResult> => ({
        ok: true,
        settings: applied,
        changed: ["storeSize"],
      }),
    };

    const result = await store.update(target, { storeSize: 20 });

    expect(result.ok).toBe(true);
    expect(await readConfig()).toEqual(applied);
  });

  it("leaves the file alone when the core rejects a change", async () => {
    const store = open();
    const target = {
      updateSettings: async (): Promise<SettingsUpdateResult> => ({
        ok: false,
        message: "invalid storeSize 0",
        issues: [{ setting: "storeSize", value: 0, message: "invalid" }],
      }),
    };

    const result = await store.update(target, { storeSize: 0 });

    expect(result.ok).toBe(false);
    expect(await readConfig()).toEqual(DEFAULT_SETTINGS);
  });
});
