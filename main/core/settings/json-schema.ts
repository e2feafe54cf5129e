import { SETTING_NAMES, SETTING_RULES } from "./settings.js";

/** A JSON Schema property, the subset electron-store and form builders read. */
export interface SettingSchema {
  type: "string" | "integer" | "boolean";
  default: string | number | boolean;
  description: string;
  minimum?: number;
  maximum?: number;
}

/**
 * Builds the JSON Schema properties of the settings from the settings model,
 * so the desktop settings file and the core agree on types and defaults.
 * String formats (listen address, URL) are checked by `validateSettings`,
 * which JSON Schema cannot express.
 */
export function settingsJsonSchema(): Record<string, SettingSchema> {
  return Object.fromEntries(
    SETTING_NAMES.map((name) => {
      const { check: _check, ...schema } = SETTING_RULES[name];
      return [name, schema];
    }),
  );
}
