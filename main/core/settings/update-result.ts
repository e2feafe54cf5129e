import type { Settings } from "./settings.js";
import type { SettingIssue } from "./validate.js";

/** The answer to a settings change: the settings in force, or why the change was rejected. */
export type SettingsUpdateResult =
  | { ok: true; settings: Settings; changed: (keyof Settings)[] }
  | { ok: false; message: string; issues: SettingIssue[] };
