import type { IncomingMessage } from "node:http";
import { hostname, networkInterfaces } from "node:os";

import { isLoopbackHost, isWildcardHost } from "../addresses.js";

/** Reason for rejecting a request, for the 403 body and the log. */
export interface GuardRejection {
  reason: "host" | "origin";
  message: string;
}

/**
 * Checks `Host` and `Origin` so that a web page cannot drive the local model
 * API (the browser shares loopback with the server) and a DNS rebinding
 * attack cannot reach it under a foreign name. Clients that send no `Origin`,
 * such as CLIs and SDKs, pass as long as their `Host` names this machine.
 */
export class RequestGuard {
  private readonly allowedHosts: Set<string>;
  /**
   * Verdicts by raw `Host` and `Origin` header value. Clients repeat the
   * same few values, and parsing them costs more than the rest of the check.
   * The cache is cleared when it reaches `MAX_CACHED_VERDICTS`.
   */
  private readonly hostVerdicts = new Map<string, boolean>();
  private readonly originVerdicts = new Map<string, boolean>();

  constructor(listenHost: string, extraHosts: readonly string[] = []) {
    this.allowedHosts = new Set(
      [listenHost, ...extraHosts, ...addressesFor(listenHost)].map((host) =>
        normaliseHost(host),
      ),
    );
  }

  /** Returns why the request must be rejected, or null when it may pass. */
  check(req: IncomingMessage): GuardRejection | null {
    const hostHeader = req.headers.host ?? "";
    const hostAllowed = cached(this.hostVerdicts, hostHeader, () => {
      const host = hostName(hostHeader);
      return host !== null && this.isLocalHost(host);
    });

    if (!hostAllowed) {
      return {
        reason: "host",
        message: `Host header "${req.headers.host ?? ""}" does not name this machine; Tokentap accepts requests for localhost, loopback addresses or the address it listens on`,
      };
    }

    const origin = req.headers.origin;
    const originAllowed =
      origin === undefined ||
      cached(this.originVerdicts, origin, () => this.isLocalOrigin(origin));
    if (!originAllowed) {
      return {
        reason: "origin",
        message: `Origin "${origin}" is not local; Tokentap rejects requests from web pages served by other hosts`,
      };
    }

    return null;
  }

  /**
   * Returns whether `Origin` is one of the proxy's own origins (the scheme, host and
   * port clients use to reach it), for endpoints that change state.
   */
  isSameOrigin(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return true;

    const parsed = parseOrigin(origin);
    return (
      parsed !== null && parsed.host === (req.headers.host ?? "").toLowerCase()
    );
  }

  private isLocalHost(host: string): boolean {
    return isLoopbackHost(host) || this.allowedHosts.has(host);
  }

  private isLocalOrigin(origin: string): boolean {
    const parsed = parseOrigin(origin);
    return parsed !== null && this.isLocalHost(normaliseHost(parsed.hostname));
  }
}

const MAX_CACHED_VERDICTS = 64;

function cached(
  verdicts: Map<string, boolean>,
  key: string,
  decide: () => boolean,
): boolean {
  const known = verdicts.get(key);
  if (known !== undefined) return known;

  if (verdicts.size >= MAX_CACHED_VERDICTS) verdicts.clear();
  const verdict = decide();
  verdicts.set(key, verdict);
  return verdict;
}

/** Host names that reach this machine when it listens on `listenHost`. */
function addressesFor(listenHost: string): string[] {
  if (isLoopbackHost(listenHost)) return [];

  // Reached from other machines, the proxy is named by this machine's host
  // name, as Prometheus scrape targets usually are.
  const name = hostname();
  const names = [name, name.split(".")[0] ?? name];
  if (!isWildcardHost(listenHost)) return names;

  // Listening on every interface: the machine's own addresses are its names.
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) names.push(entry.address);
  }
  return names;
}

/** Extracts the host name from a `Host` header value, or null when it is malformed. */
function hostName(header: string | undefined): string | null {
  if (!header) return null;

  try {
    return normaliseHost(new URL(`http://${header}`).hostname);
  } catch {
    return null;
  }
}

function parseOrigin(origin: string): URL | null {
  try {
    const url = new URL(origin);
    return url.protocol === "http:" || url.protocol === "https:" ? url : null;
  } catch {
    return null;
  }
}

function normaliseHost(host: string): string {
  return host.replace(/^\[|\]$/g, "").toLowerCase();
}
