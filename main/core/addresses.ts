import { isIP } from "node:net";

import { TokentapError } from "./errors.js";

/** A host and TCP port to listen on. */
export interface ListenAddress {
  /** Host name or IP literal, IPv6 without brackets. */
  host: string;
  port: number;
}

/**
 * Parses a listen address such as `127.0.0.1:4321`, `[::1]:4321`,
 * `localhost:4321`, `:4321` (loopback) or a bare port `4321`.
 */
export function parseListenAddress(
  value: string,
  setting = "listen",
): ListenAddress {
  const text = value.trim();
  const invalid = (why: string) =>
    new TokentapError(
      "INVALID_SETTING",
      `invalid ${setting} address "${value}": ${why}; use HOST:PORT such as 127.0.0.1:4321 or [::1]:4321`,
    );

  if (/^\d+$/.test(text))
    return { host: "127.0.0.1", port: parsePort(text, invalid) };

  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(text);
  if (bracketed) {
    const host = bracketed[1] ?? "";
    if (isIP(host) !== 6) throw invalid(`"${host}" is not an IPv6 address`);
    return { host, port: parsePort(bracketed[2] ?? "", invalid) };
  }

  const colon = text.lastIndexOf(":");
  if (colon < 0) throw invalid("the port is missing");

  const host = text.slice(0, colon) || "127.0.0.1";
  if (host.includes(":")) throw invalid("put an IPv6 address in brackets");
  if (!/^[A-Za-z0-9.-]+$/.test(host))
    throw invalid(`"${host}" is not a host name or IP address`);

  return { host, port: parsePort(text.slice(colon + 1), invalid) };
}

function parsePort(text: string, invalid: (why: string) => Error): number {
  const port = /^\d+$/.test(text) ? Number(text) : Number.NaN;

  // Port 0 lets the system pick a free port, which tests and benchmarks use.
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw invalid(`port "${text}" is not an integer from 0 to 65535`);
  }

  return port;
}

/** Formats a host and port for URLs and messages, bracketing IPv6 literals. */
export function formatHostPort(host: string, port: number): string {
  return `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}

/** Returns whether a host name or IP literal always means this machine. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();

  if (bare === "localhost" || bare.endsWith(".localhost")) return true;
  if (bare === "::1" || bare === "0:0:0:0:0:0:0:1") return true;
  if (isIP(bare) === 4) return bare.startsWith("127.");

  // An IPv4-mapped IPv6 loopback address, for example ::ffff:127.0.0.1.
  return /^::ffff:127\./.test(bare);
}

/** Returns whether binding this host accepts connections from other machines. */
export function isWildcardHost(host: string): boolean {
  return host === "0.0.0.0" || host === "::" || host === "";
}

/** Parses and checks the upstream server URL, returning it without a trailing slash. */
export function parseUpstreamUrl(value: string, setting = "upstream"): URL {
  let url: URL;

  try {
    url = new URL(value.trim());
  } catch {
    throw new TokentapError(
      "INVALID_SETTING",
      `invalid ${setting} URL "${value}": not a URL; use for example http://127.0.0.1:11434`,
    );
  }

  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TokentapError(
      "INVALID_SETTING",
      `invalid ${setting} URL "${value}": protocol ${url.protocol} is not supported; use http:// or https://`,
    );
  }

  if (url.username || url.password || url.search || url.hash) {
    throw new TokentapError(
      "INVALID_SETTING",
      `invalid ${setting} URL "${value}": credentials, a query or a fragment are not allowed; give only scheme, host, port and an optional path`,
    );
  }

  return url;
}

/** Explains the risk of listening beyond loopback, or returns null. */
export function exposureWarning(host: string): string | null {
  if (isLoopbackHost(host)) return null;
  return `listening on ${host}, beyond loopback: anyone who can reach this port can use the model server through plain HTTP without authentication`;
}

/** Returns the host a client on this machine connects to for a bind address: loopback for a wildcard. */
export function clientHost(host: string): string {
  if (host === "0.0.0.0" || host === "") return "127.0.0.1";
  if (host === "::") return "::1";
  return host;
}
