import { TokentapError } from "../errors.js";
import {
  DEFAULT_SETTINGS,
  SETTING_NAMES,
  SETTING_RULES,
  type SettingName,
  type Settings,
} from "./settings.js";

/** One invalid setting: which one, the value given and what is allowed. */
export interface SettingIssue {
  setting: string;
  value: unknown;
  message: string;
}

/** Settings that failed validation; the message lists every issue. */
export class InvalidSettingsError extends TokentapError {
  readonly issues: readonly SettingIssue[];

  constructor(issues: readonly SettingIssue[]) {
    super("INVALID_SETTING", issues.map((issue) => issue.message).join("; "));
    this.name = "InvalidSettingsError";
    this.issues = issues;
  }
}

/**
 * Checks a partial settings object, such as a form submission or a settings
 * file, and returns it typed. Unknown names and wrong values are rejected
 * with every issue listed, so a form can show each beside its field.
 */
export function validateSettingsPatch(input: unknown): Partial<Settings> {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new InvalidSettingsError([
      {
        setting: "(settings)",
        value: input,
        message: "settings must be a JSON object of name-value pairs",
      },
    ]);
  }

  const issues: SettingIssue[] = [];
  const patch: Partial<Record<SettingName, unknown>> = {};

  for (const [name, value] of Object.entries(input)) {
    if (!isSettingName(name)) {
      issues.push({
        setting: name,
        value,
        message: `unknown setting "${name}"; known settings are ${SETTING_NAMES.join(", ")}`,
      });
      continue;
    }

    const message = checkSetting(name, value);
    if (message) issues.push({ setting: name, value, message });
    else patch[name] = value;
  }

  if (issues.length > 0) throw new InvalidSettingsError(issues);
  return patch as Partial<Settings>;
}

/** Checks a whole settings object, filling missing settings with their defaults. */
export function validateSettings(input: unknown): Settings {
  return { ...DEFAULT_SETTINGS, ...validateSettingsPatch(input) };
}

/**
 * Returns why `value` is not allowed for `name`, or null when it is. The
 * message names the setting as `label`, so the CLI can name its flag.
 */
export function checkSetting(
  name: SettingName,
  value: unknown,
  label: string = name,
): string | null {
  const rule = SETTING_RULES[name];
  const shown = JSON.stringify(value) ?? String(value);

  if (rule.type === "boolean") {
    return typeof value === "boolean"
      ? null
      : `invalid ${label} ${shown}: use true or false`;
  }

  if (rule.type === "integer") {
    const inRange =
      typeof value === "number" &&
      Number.isInteger(value) &&
      value >= (rule.minimum ?? -Infinity) &&
      value <= (rule.maximum ?? Infinity);
    return inRange
      ? null
      : `invalid ${label} ${shown}: use an integer from ${rule.minimum} to ${rule.maximum}`;
  }

  if (typeof value !== "string") {
    return `invalid ${label} ${shown}: use a string`;
  }

  try {
    rule.check?.(value, label);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

function isSettingName(name: string): name is SettingName {
  return Object.hasOwn(SETTING_RULES, name);
}
