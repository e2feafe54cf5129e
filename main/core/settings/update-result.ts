import type { Settings } from "./settings.js";
import type { SettingIssue } from "./validate.js";

/** Outcome of a settings change: the settings in force, or the reasons it was rejected. */
export type SettingsUpdateResult =
  | { ok: true; settings: Settings; changed: (keyof Settings)[] }
  | { ok: false; message: string; issues: SettingIssue[] };
