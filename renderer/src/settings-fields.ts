import type { SettingName } from "./types.js";

/** Label, input kind and help text of one setting. The core's settings model checks the values. */
export interface FieldSpec {
  label: string;
  kind: "text" | "integer" | "checkbox";
  help: string;
}

/**
 * One field per setting. The mapped type makes the type check fail when the
 * core gains a setting the form does not show.
 */
export const SETTING_FIELDS: { readonly [Name in SettingName]: FieldSpec } = {
  listen: {
    label: "Listen address",
    kind: "text",
    help: "HOST:PORT the proxy listens on",
  },
  upstream: {
    label: "Upstream",
    kind: "text",
    help: "URL of the model server requests are forwarded to",
  },
  historyEnabled: {
    label: "Write history",
    kind: "checkbox",
    help: "write request records to the history file",
  },
  historySize: {
    label: "History size",
    kind: "integer",
    help: "records kept in the history file",
  },
  storeSize: {
    label: "Store size",
    kind: "integer",
    help: "recent records kept in memory",
  },
  gpuIntervalMs: {
    label: "GPU sample interval",
    kind: "integer",
    help: "time between GPU samples, in milliseconds",
  },
  capturePrompts: {
    label: "Capture prompts",
    kind: "checkbox",
    help: "keep the prompt and completion text of recent requests, in memory only",
  },
};

export const FIELD_NAMES = Object.keys(SETTING_FIELDS) as SettingName[];
