import { parseArgs } from "node:util";

import { TokentapError } from "../core/errors.js";
import { defaultDataDir } from "../core/history/data-dir.js";
import type { LogLevel } from "../core/log.js";
import { DEFAULT_STOP_GRACE_MS } from "../core/proxy/proxy-server.js";
import {
  DEFAULT_SETTINGS,
  SETTING_RULES,
  type SettingName,
  type Settings,
} from "../core/settings/settings.js";
import { checkSetting } from "../core/settings/validate.js";

/** Options of `tokentap serve`, parsed and checked. */
export interface ServeOptions {
  settings: Settings;
  /** Folder of the history file, or null with `--no-history`. */
  dataDir: string | null;
  graceMs: number;
  logLevel: LogLevel;
  /** Extra host names clients may use to reach the proxy. */
  allowedHosts: string[];
}

const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];

const range = (name: SettingName) =>
  `${SETTING_RULES[name].minimum} to ${SETTING_RULES[name].maximum}`;

export const SERVE_HELP = `Usage: tokentap serve [options]

Runs the Tokentap proxy headless: point clients at it, and it forwards to the
model server while reading token counts and timings off each response.

Options (each also read from the environment variable in brackets):
  --listen HOST:PORT     address to listen on (TOKENTAP_LISTEN),
                         default ${DEFAULT_SETTINGS.listen}; a host beyond loopback
                         exposes the model server without authentication
  --upstream URL         model server to forward to (TOKENTAP_UPSTREAM),
                         default ${DEFAULT_SETTINGS.upstream}
  --store-size N         recent requests kept in memory (TOKENTAP_STORE_SIZE),
                         default ${DEFAULT_SETTINGS.storeSize}, from ${range("storeSize")}
  --data-dir DIR         folder of the history file (TOKENTAP_DATA_DIR),
                         default ${defaultDataDir(process.env, process.platform)}
  --history-size N       records kept in the history file
                         (TOKENTAP_HISTORY_SIZE), default ${DEFAULT_SETTINGS.historySize}
  --no-history           keep no history file (TOKENTAP_HISTORY=off)
  --gpu-interval SECONDS time between GPU samples (TOKENTAP_GPU_INTERVAL),
                         default ${DEFAULT_SETTINGS.gpuIntervalMs / 1000}
  --capture-prompts      keep prompt and completion text of recent requests,
                         in memory only (TOKENTAP_CAPTURE_PROMPTS=on)
  --grace SECONDS        time streams in flight get to finish on stop
                         (TOKENTAP_GRACE), default ${DEFAULT_STOP_GRACE_MS / 1000}
  --log-level LEVEL      debug, info, warn or error (TOKENTAP_LOG_LEVEL),
                         default info
  --allow-host NAME      a further host name clients may reach the proxy by,
                         for example the DNS name Prometheus scrapes; repeat
                         for more (TOKENTAP_ALLOW_HOSTS, comma-separated).
                         Loopback names, this machine's host name and the
                         listen address are always allowed
  -h, --help             show this help

Clients: OLLAMA_HOST=127.0.0.1:4321 for Ollama clients,
http://127.0.0.1:4321/v1 as the base URL for OpenAI-style ones.
Prometheus: scrape http://127.0.0.1:4321/metrics.
Dashboard API: http://127.0.0.1:4321/tokentap/api/snapshot.
`;

/** Parses `serve` arguments, falling back to `TOKENTAP_*` variables and then defaults. */
export function parseServeOptions(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): ServeOptions | "help" {
  const { values } = parseArgs({
    args: [...args],
    options: {
      listen: { type: "string" },
      upstream: { type: "string" },
      "store-size": { type: "string" },
      "data-dir": { type: "string" },
      "history-size": { type: "string" },
      "no-history": { type: "boolean" },
      "gpu-interval": { type: "string" },
      "capture-prompts": { type: "boolean" },
      grace: { type: "string" },
      "log-level": { type: "string" },
      "allow-host": { type: "string", multiple: true },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
    allowPositionals: false,
  });

  if (values.help) return "help";

  // Each value comes from its flag, else its variable (an empty variable
  // counts as unset), and errors name whichever the user wrote.
  const pick = (flag: string, variable: string): Source => {
    const fromArgs = values[flag.slice(2) as keyof typeof values];
    if (typeof fromArgs === "string") return { value: fromArgs, label: flag };

    const fromEnv = env[variable];
    if (fromEnv !== undefined && fromEnv.trim() !== "") {
      return { value: fromEnv, label: variable };
    }
    return { value: undefined, label: flag };
  };

  const historyEnabled = values["no-history"]
    ? false
    : parseSwitch(pick("--history", "TOKENTAP_HISTORY"), true);

  const listen = pick("--listen", "TOKENTAP_LISTEN");
  const upstream = pick("--upstream", "TOKENTAP_UPSTREAM");
  const storeSize = pick("--store-size", "TOKENTAP_STORE_SIZE");
  const historySize = pick("--history-size", "TOKENTAP_HISTORY_SIZE");
  const gpuInterval = pick("--gpu-interval", "TOKENTAP_GPU_INTERVAL");

  const settings: Settings = {
    listen: checked("listen", listen.label, listen.value),
    upstream: checked("upstream", upstream.label, upstream.value),
    storeSize: checked("storeSize", storeSize.label, parseCount(storeSize)),
    historySize: checked(
      "historySize",
      historySize.label,
      parseCount(historySize),
    ),
    historyEnabled,
    gpuIntervalMs: parseGpuInterval(gpuInterval),
    capturePrompts:
      values["capture-prompts"] ??
      parseSwitch(pick("--capture-prompts", "TOKENTAP_CAPTURE_PROMPTS"), false),
  };

  const grace = pick("--grace", "TOKENTAP_GRACE");
  const graceMs = parseSecondsAsMs(grace);
  if (graceMs !== undefined && graceMs > 3_600_000) {
    throw invalid(grace.label, grace.value ?? "", "use 0 to 3600 seconds");
  }

  const dataDir = pick("--data-dir", "TOKENTAP_DATA_DIR").value;
  const allowHosts =
    values["allow-host"] ??
    pick("--allow-host", "TOKENTAP_ALLOW_HOSTS").value?.split(",");

  return {
    settings,
    dataDir: historyEnabled ? (dataDir ?? defaultDataDir(env, platform)) : null,
    graceMs: graceMs ?? DEFAULT_STOP_GRACE_MS,
    logLevel: parseLogLevel(pick("--log-level", "TOKENTAP_LOG_LEVEL")),
    allowedHosts: parseHostList(allowHosts ?? []),
  };
}

/** A raw option value and the flag or variable it came from, for messages. */
interface Source {
  value: string | undefined;
  label: string;
}

/** Checks one setting against the settings model, naming the flag in the error. */
function checked<Name extends SettingName>(
  name: Name,
  flag: string,
  value: Settings[Name] | undefined,
): Settings[Name] {
  if (value === undefined) return DEFAULT_SETTINGS[name];

  const message = checkSetting(name, value, flag);
  if (message) throw new TokentapError("INVALID_SETTING", message);
  return value;
}

function parseCount({ value, label }: Source): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim()))
    throw invalid(label, value, "use a whole number");
  return Number(value);
}

function parseSecondsAsMs({ value, label }: Source): number | undefined {
  if (value === undefined) return undefined;

  const seconds = Number(value);
  if (value.trim() === "" || !Number.isFinite(seconds) || seconds < 0) {
    throw invalid(label, value, "use a number of seconds, such as 2 or 0.5");
  }
  return Math.round(seconds * 1000);
}

/** Reads the GPU interval in seconds, reporting its limits in seconds too. */
function parseGpuInterval(source: Source): number {
  const intervalMs = parseSecondsAsMs(source);
  if (intervalMs === undefined) return DEFAULT_SETTINGS.gpuIntervalMs;

  const { minimum = 0, maximum = Infinity } = SETTING_RULES.gpuIntervalMs;
  if (intervalMs < minimum || intervalMs > maximum) {
    throw invalid(
      source.label,
      source.value ?? "",
      `use ${minimum / 1000} to ${maximum / 1000} seconds`,
    );
  }
  return intervalMs;
}

/** Reads an on/off value: 1, true, on or yes, and 0, false, off or no, in any case. */
function parseSwitch({ value, label }: Source, fallback: boolean): boolean {
  if (value === undefined) return fallback;

  const normalised = value.trim().toLowerCase();
  if (["1", "true", "on", "yes"].includes(normalised)) return true;
  if (["0", "false", "off", "no"].includes(normalised)) return false;
  throw invalid(label, value, "use on or off");
}

function parseHostList(values: readonly string[]): string[] {
  const hosts = values
    .map((value) => value.trim())
    .filter((value) => value !== "");

  for (const host of hosts) {
    if (!/^[A-Za-z0-9.-]+$|^\[?[0-9A-Fa-f:.]+\]?$/.test(host)) {
      throw invalid(
        "--allow-host",
        host,
        "use a host name or IP address without a port",
      );
    }
  }
  return hosts;
}

function parseLogLevel({ value, label }: Source): LogLevel {
  const wanted = (value ?? "info").trim().toLowerCase();
  const level = LOG_LEVELS.find((candidate) => candidate === wanted);
  if (!level)
    throw invalid(label, value ?? "", `use one of ${LOG_LEVELS.join(", ")}`);
  return level;
}

function invalid(flag: string, value: string, fix: string): TokentapError {
  return new TokentapError(
    "INVALID_SETTING",
    `invalid ${flag} "${value}": ${fix}`,
  );
}
