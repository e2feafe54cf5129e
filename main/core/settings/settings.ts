import { parseListenAddress, parseUpstreamUrl } from "../addresses.js";

/** Every setting the CLI and the desktop shell share. */
export interface Settings {
  /** Address the proxy listens on, `HOST:PORT`. */
  listen: string;
  /** Model server requests are forwarded to. */
  upstream: string;
  /** Whether request records are written to the history file. */
  historyEnabled: boolean;
  /** Records kept in the history file. */
  historySize: number;
  /** Recent records kept in memory for the read API and screens. */
  storeSize: number;
  /** Time between GPU samples, in milliseconds. */
  gpuIntervalMs: number;
  /** Whether recent requests keep their prompt and completion text, in memory only. */
  capturePrompts: boolean;
}

export type SettingName = keyof Settings;

/** Rule that checks and describes one setting. */
interface SettingRule {
  type: "string" | "integer" | "boolean";
  default: string | number | boolean;
  description: string;
  minimum?: number;
  maximum?: number;
  /** Throws an error naming `label`, the value and the fix when a string setting is malformed. */
  check?: (value: string, label: string) => void;
}

/**
 * The settings model: one rule per setting. Validation, the CLI's parsing
 * and the JSON Schema for the desktop settings file all derive from it.
 */
export const SETTING_RULES: { readonly [Name in SettingName]: SettingRule } = {
  listen: {
    type: "string",
    default: "127.0.0.1:4321",
    description: "address the proxy listens on, HOST:PORT",
    check: (value, label) => void parseListenAddress(value, label),
  },
  upstream: {
    type: "string",
    default: "http://127.0.0.1:11434",
    description: "model server requests are forwarded to",
    check: (value, label) => void parseUpstreamUrl(value, label),
  },
  historyEnabled: {
    type: "boolean",
    default: true,
    description: "write request records to the history file",
  },
  historySize: {
    type: "integer",
    default: 10_000,
    minimum: 1,
    maximum: 1_000_000,
    description: "records kept in the history file",
  },
  storeSize: {
    type: "integer",
    default: 1000,
    minimum: 1,
    maximum: 1_000_000,
    description: "recent records kept in memory",
  },
  gpuIntervalMs: {
    type: "integer",
    default: 2000,
    minimum: 250,
    maximum: 3_600_000,
    description: "time between GPU samples, in milliseconds",
  },
  capturePrompts: {
    type: "boolean",
    default: false,
    description:
      "keep the prompt and completion text of recent requests in memory",
  },
};

export const SETTING_NAMES = Object.keys(SETTING_RULES) as SettingName[];

/** The settings a fresh install starts with. */
export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze(
  Object.fromEntries(
    SETTING_NAMES.map((name) => [name, SETTING_RULES[name].default]),
  ) as unknown as Settings,
);
