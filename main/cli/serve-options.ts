import { parseArgs } from "node:util";

import {
  parseListenAddress,
  parseUpstreamUrl,
  type ListenAddress,
} from "../core/addresses.js";
import { TokentapError } from "../core/errors.js";
import type { LogLevel } from "../core/log.js";
import { DEFAULT_STOP_GRACE_MS } from "../core/proxy/proxy-server.js";
import {
  DEFAULT_STORE_CAPACITY,
  MAX_STORE_CAPACITY,
} from "../core/store/store.js";

export const DEFAULT_LISTEN = "127.0.0.1:4321";
export const DEFAULT_UPSTREAM = "http://127.0.0.1:11434";

/** Settings of `tokentap serve`, parsed and checked. */
export interface ServeOptions {
  listen: ListenAddress;
  upstream: URL;
  storeSize: number;
  graceMs: number;
  logLevel: LogLevel;
}

export const SERVE_HELP = `Usage: tokentap serve [options]

Runs the Tokentap proxy headless: point clients at it, and it forwards to the
model server while reading token counts and timings off each response.

Options (each also read from the environment variable in brackets):
  --listen HOST:PORT   address to listen on (TOKENTAP_LISTEN)
                       default ${DEFAULT_LISTEN}; a host beyond loopback exposes
                       the model server without authentication
  --upstream URL       model server to forward to (TOKENTAP_UPSTREAM)
                       default ${DEFAULT_UPSTREAM}
  --store-size N       recent requests kept in memory (TOKENTAP_STORE_SIZE)
                       default ${DEFAULT_STORE_CAPACITY}, at most ${MAX_STORE_CAPACITY}
  --grace SECONDS      time streams in flight get to finish on stop
                       (TOKENTAP_GRACE), default ${DEFAULT_STOP_GRACE_MS / 1000}
  --log-level LEVEL    debug, info, warn or error (TOKENTAP_LOG_LEVEL),
                       default info
  -h, --help           show this help

Clients: OLLAMA_HOST=127.0.0.1:4321 for Ollama clients,
http://127.0.0.1:4321/v1 as the base URL for OpenAI-style ones.
Prometheus: scrape http://127.0.0.1:4321/metrics.
`;

const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];

/** Parses `serve` arguments, falling back to `TOKENTAP_*` variables and then defaults. */
export function parseServeOptions(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): ServeOptions | "help" {
  const { values } = parseArgs({
    args: [...args],
    options: {
      listen: { type: "string" },
      upstream: { type: "string" },
      "store-size": { type: "string" },
      grace: { type: "string" },
      "log-level": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
    allowPositionals: false,
  });

  if (values.help) return "help";

  const listen = values.listen ?? env.TOKENTAP_LISTEN ?? DEFAULT_LISTEN;
  const upstream = values.upstream ?? env.TOKENTAP_UPSTREAM ?? DEFAULT_UPSTREAM;
  const storeSize = values["store-size"] ?? env.TOKENTAP_STORE_SIZE;
  const grace = values.grace ?? env.TOKENTAP_GRACE;
  const logLevel = values["log-level"] ?? env.TOKENTAP_LOG_LEVEL ?? "info";

  return {
    listen: parseListenAddress(listen, "--listen"),
    upstream: parseUpstreamUrl(upstream, "--upstream"),
    storeSize:
      storeSize === undefined
        ? DEFAULT_STORE_CAPACITY
        : parseInteger("--store-size", storeSize, 1, MAX_STORE_CAPACITY),
    graceMs:
      grace === undefined
        ? DEFAULT_STOP_GRACE_MS
        : parseSeconds("--grace", grace) * 1000,
    logLevel: parseLogLevel(logLevel),
  };
}

function parseInteger(
  setting: string,
  value: string,
  min: number,
  max: number,
): number {
  const number = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;

  if (!Number.isSafeInteger(number) || number < min || number > max) {
    throw new TokentapError(
      "INVALID_SETTING",
      `invalid ${setting} "${value}": use an integer from ${min} to ${max}`,
    );
  }

  return number;
}

function parseSeconds(setting: string, value: string): number {
  const seconds = Number(value);

  if (
    value.trim() === "" ||
    !Number.isFinite(seconds) ||
    seconds < 0 ||
    seconds > 3600
  ) {
    throw new TokentapError(
      "INVALID_SETTING",
      `invalid ${setting} "${value}": use a number of seconds from 0 to 3600`,
    );
  }

  return seconds;
}

function parseLogLevel(value: string): LogLevel {
  const level = LOG_LEVELS.find((candidate) => candidate === value);

  if (!level) {
    throw new TokentapError(
      "INVALID_SETTING",
      `invalid --log-level "${value}": use one of ${LOG_LEVELS.join(", ")}`,
    );
  }

  return level;
}
