import { renameSync } from "node:fs";
import { join } from "node:path";

import ElectronStore, { type Schema } from "electron-store";

import { describeError } from "../core/errors.js";
import type { Logger } from "../core/log.js";
import {
  DEFAULT_SETTINGS,
  SETTING_NAMES,
  type Settings,
} from "../core/settings/settings.js";
import { settingsJsonSchema } from "../core/settings/json-schema.js";
import type { SettingsUpdateResult } from "../core/settings/update-result.js";
import {
  InvalidSettingsError,
  validateSettings,
} from "../core/settings/validate.js";

/** Name of the settings file in the settings folder, without `.json`. */
export const SETTINGS_FILE_NAME = "config";

/** A settings file that could not be used and was set aside. */
export interface SettingsRecovery {
  /** Path the unusable file was moved to. */
  backupPath: string;
  /** Cause of the failure, as the error described it. */
  reason: string;
}

export interface SettingsStoreOptions {
  /** Folder of the settings file, the app's `userData` folder. */
  cwd: string;
  logger: Logger;
  /** Time the backup name is stamped with. */
  now?: () => Date;
}

/** Something that applies a settings change, as the core does. */
export interface SettingsTarget {
  updateSettings(patch: unknown): Promise<SettingsUpdateResult>;
}

/**
 * The desktop settings file, kept by electron-store with the JSON Schema
 * and defaults derived from the core's settings model. A file that is not
 * JSON, is empty, breaks the schema or fails the core's validation is moved
 * to `config.json.corrupt-<time>` and replaced by the defaults; `recovery`
 * then describes the move, for the shell to tell the user.
 */
export class SettingsStore {
  /** The file that was set aside at open, or null when the file was usable. */
  readonly recovery: SettingsRecovery | null;

  private constructor(
    private readonly store: ElectronStore<Settings>,
    recovery: SettingsRecovery | null,
    private readonly logger: Logger,
  ) {
    this.recovery = recovery;
  }

  /** Opens the settings file, creating it with the defaults when missing. */
  static open(options: SettingsStoreOptions): SettingsStore {
    const { cwd, logger } = options;
    const now = options.now ?? (() => new Date());

    try {
      const store = createStore(cwd);
      readSettings(store);
      return new SettingsStore(store, null, logger);
    } catch (error) {
      if (!isUnusableFile(error)) throw error;

      const path = join(cwd, `${SETTINGS_FILE_NAME}.json`);
      const recovery = {
        backupPath: `${path}.corrupt-${fileStamp(now())}`,
        reason: describeError(error),
      };
      renameSync(path, recovery.backupPath);
      logger.warn(
        "settings file unusable; moved aside and replaced by defaults",
        {
          path,
          backupPath: recovery.backupPath,
          reason: recovery.reason,
        },
      );

      return new SettingsStore(createStore(cwd), recovery, logger);
    }
  }

  /** Path of the settings file. */
  get path(): string {
    return this.store.path;
  }

  /** The stored settings, validated by the core's rules. */
  get settings(): Settings {
    return readSettings(this.store);
  }

  /**
   * Applies a change through `target` and saves the settings in force when
   * it succeeds; a rejected change leaves the file as it was.
   */
  async update(
    target: SettingsTarget,
    patch: unknown,
  ): Promise<SettingsUpdateResult> {
    const result = await target.updateSettings(patch);
    if (!result.ok) return result;

    try {
      this.store.set(result.settings);
    } catch (error) {
      this.logger.error("could not save settings", {
        path: this.store.path,
        error: describeError(error),
      });
      throw new Error(
        `the settings were applied but could not be saved to ${this.store.path} (${describeError(error)}); they last until Tokentap quits; check the folder's permissions and free space`,
        { cause: error },
      );
    }

    this.logger.info("settings saved", { changed: result.changed.join(",") });
    return result;
  }
}

/** Tells the user that the settings were reset, in one paragraph. */
export function recoveryMessage(recovery: SettingsRecovery): string {
  return `The settings file could not be read (${recovery.reason}), so Tokentap started with the default settings. The old file was kept as ${recovery.backupPath}.`;
}

function createStore(cwd: string): ElectronStore<Settings> {
  return new ElectronStore<Settings>({
    name: SETTINGS_FILE_NAME,
    cwd,
    schema: settingsJsonSchema() as Schema<Settings>,
    defaults: { ...DEFAULT_SETTINGS },
  });
}

/** Reads the known settings and validates them; other keys, such as electron-store's own, are left out. */
function readSettings(store: ElectronStore<Settings>): Settings {
  const stored = store.store as unknown as Record<string, unknown>;
  const known = Object.fromEntries(
    SETTING_NAMES.filter((name) => Object.hasOwn(stored, name)).map((name) => [
      name,
      stored[name],
    ]),
  );
  return validateSettings(known);
}

/**
 * Checks whether `error` means the file's content is unusable: electron-store
 * raises a SyntaxError for text that is not JSON (an empty file included)
 * and "Config schema violation" for values the schema rejects.
 */
function isUnusableFile(error: unknown): boolean {
  if (error instanceof InvalidSettingsError) return true;
  if (!(error instanceof Error)) return false;
  return (
    error.name === "SyntaxError" ||
    error.message.startsWith("Config schema violation")
  );
}

/** Formats a time as a stamp that is valid in file names on every platform. */
function fileStamp(date: Date): string {
  return date.toISOString().replace(/[:.]/g, "-");
}
