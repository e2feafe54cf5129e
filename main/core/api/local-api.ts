import type { IncomingMessage, ServerResponse } from "node:http";

import { isLoopbackHost, parseListenAddress } from "../addresses.js";
import { describeError } from "../errors.js";
import type { Logger } from "../log.js";
import type { RequestRecord } from "../record.js";
import type { RequestGuard } from "../proxy/guard.js";
import { sendError, sendJson } from "../proxy/json-reply.js";
import type { Settings } from "../settings/settings.js";
import type { SettingsUpdateResult } from "../settings/update-result.js";
import type { Snapshot } from "../snapshot/snapshot.js";
import type { Problem } from "../store/types.js";
import { serveEvents, type EventSource } from "./events.js";
import { LocalRequestError, readJsonBody } from "./request-body.js";
import { createDashboardRoute, isDashboardPath } from "./static-files.js";

/** Prefix of every path Tokentap serves itself, which no inference server uses. */
export const LOCAL_PREFIX = "/tokentap/";

/** Records returned by `/tokentap/api/requests` when no `limit` is given. */
export const DEFAULT_REQUESTS_LIMIT = 100;

/** The proxy's state as the local API and screens show it. */
export interface ProxyStatus {
  enabled: boolean;
  /** Proxy base URL clients use, for example `http://127.0.0.1:4321`. */
  listenUrl: string | null;
  upstream: string;
  inFlight: number;
  /** Risk of the current set-up, for example listening beyond loopback. */
  warning: string | null;
  error: Readonly<Problem> | null;
}

/** Core operations the local API reads and changes. */
export interface LocalApiContext extends EventSource {
  snapshot(): Snapshot;
  settings(): Settings;
  updateSettings(patch: unknown): Promise<SettingsUpdateResult>;
  logger: Logger;
  storeCapacity(): number;
  recent(limit: number): RequestRecord[];
  byModel(): unknown;
  status(): ProxyStatus;
  setProxyEnabled(enabled: boolean): void;
  renderMetrics(
    accept: string | undefined,
  ): Promise<{ contentType: string; body: string }>;
}

type Route = (
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  guard: RequestGuard,
) => Promise<void>;

/** Creates the handler for `/metrics`, the `/tokentap/api/` paths and the dashboard. */
export function createLocalHandler(context: LocalApiContext) {
  const dashboard = createDashboardRoute();
  const routes: Record<string, Partial<Record<string, Route>>> = {
    "/metrics": { GET: (req, res) => serveMetrics(context, req, res) },
    "/tokentap/api/requests": {
      GET: (_req, res, url) => serveRequests(context, res, url),
    },
    "/tokentap/api/models": {
      GET: async (_req, res) => sendJson(res, 200, context.byModel()),
    },
    "/tokentap/api/snapshot": {
      GET: async (_req, res) => sendJson(res, 200, context.snapshot()),
    },
    "/tokentap/api/events": {
      GET: async (req, res) => serveEvents(context, req, res),
    },
    "/tokentap/api/status": {
      GET: async (_req, res) => sendJson(res, 200, context.status()),
    },
    "/tokentap/api/settings": {
      GET: async (_req, res) => sendJson(res, 200, context.settings()),
      POST: (req, res, _url, guard) => updateSettings(context, req, res, guard),
    },
    "/tokentap/api/proxy": {
      GET: async (_req, res) =>
        sendJson(res, 200, { enabled: context.status().enabled }),
      POST: (req, res, _url, guard) => setProxy(context, req, res, guard),
    },
  };

  return (
    req: IncomingMessage,
    res: ServerResponse,
    guard: RequestGuard,
  ): boolean => {
    // Most requests are forwarded, so rule them out before parsing the URL.
    const raw = req.url ?? "/";
    if (!raw.startsWith("/metrics") && !raw.startsWith("/tokentap"))
      return false;

    const url = new URL(raw, "http://localhost");
    const isLocal =
      url.pathname === "/metrics" ||
      url.pathname.startsWith(LOCAL_PREFIX) ||
      isDashboardPath(url.pathname);
    if (!isLocal) return false;

    const methods =
      routes[url.pathname] ??
      (isDashboardPath(url.pathname) ? { GET: dashboard } : undefined);
    if (!methods) {
      sendError(res, 404, `no Tokentap endpoint at ${url.pathname}`);
      return true;
    }

    const method = req.method === "HEAD" ? "GET" : (req.method ?? "GET");
    const route = methods[method];
    if (!route) {
      const allowed = Object.keys(methods).join(", ");
      sendError(
        res,
        405,
        `${req.method} is not allowed on ${url.pathname}; use ${allowed}`,
        {
          allow: allowed,
        },
      );
      return true;
    }

    route(req, res, url, guard).catch((error: unknown) => {
      if (error instanceof LocalRequestError) {
        sendError(res, error.status, error.message);
        return;
      }

      context.logger.error("local API request failed", {
        path: url.pathname,
        error: describeError(error),
      });
      if (!res.headersSent)
        sendError(res, 500, `internal error: ${describeError(error)}`);
      else res.destroy();
    });

    return true;
  };
}

async function serveMetrics(
  context: LocalApiContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const { contentType, body } = await context.renderMetrics(req.headers.accept);

  res.writeHead(200, {
    "content-type": contentType,
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
  });
  res.end(req.method === "HEAD" ? undefined : body);
}

async function serveRequests(
  context: LocalApiContext,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const capacity = context.storeCapacity();
  const raw = url.searchParams.get("limit");
  const limit =
    raw === null
      ? Math.min(DEFAULT_REQUESTS_LIMIT, capacity)
      : /^\d+$/.test(raw)
        ? Number(raw)
        : Number.NaN;

  if (!Number.isInteger(limit) || limit < 1 || limit > capacity) {
    throw new LocalRequestError(
      400,
      `invalid limit "${raw}": use an integer from 1 to ${capacity} (the store size)`,
    );
  }

  sendJson(res, 200, context.recent(limit));
}

async function updateSettings(
  context: LocalApiContext,
  req: IncomingMessage,
  res: ServerResponse,
  guard: RequestGuard,
): Promise<void> {
  rejectForeignOrigin(req, guard, "change the settings");

  const patch = await readJsonBody(req);
  rejectExposingChanges(patch);
  const result = await context.updateSettings(patch);
  sendJson(res, result.ok ? 200 : 400, result);
}

/**
 * Rejects the two changes that would hand other people this machine's
 * prompts: listening beyond loopback and turning prompt capture on. Any
 * local process can reach this API, including other users' on a shared
 * GPU server, so those take the desktop app or a command-line flag.
 */
function rejectExposingChanges(patch: unknown): void {
  if (typeof patch !== "object" || patch === null) return;
  const { listen, capturePrompts } = patch as {
    listen?: unknown;
    capturePrompts?: unknown;
  };

  if (typeof listen === "string" && !listensOnLoopback(listen)) {
    throw new LocalRequestError(
      403,
      `listen "${listen}" is beyond loopback and would expose the model server to the network; set it with --listen or in the desktop app instead`,
    );
  }

  if (capturePrompts === true) {
    throw new LocalRequestError(
      403,
      "prompt capture cannot be turned on over HTTP, because any local user could then read the prompts; use --capture-prompts or the desktop app",
    );
  }
}

function listensOnLoopback(listen: string): boolean {
  try {
    return isLoopbackHost(parseListenAddress(listen).host);
  } catch {
    // Malformed values fail validation later, with the usual message.
    return true;
  }
}

/** Only the proxy's own pages, or clients that send no Origin (curl), may change state. */
function rejectForeignOrigin(
  req: IncomingMessage,
  guard: RequestGuard,
  action: string,
): void {
  if (!guard.isSameOrigin(req)) {
    throw new LocalRequestError(
      403,
      `Origin "${req.headers.origin}" may not ${action}; only Tokentap's own dashboard may`,
    );
  }
}

async function setProxy(
  context: LocalApiContext,
  req: IncomingMessage,
  res: ServerResponse,
  guard: RequestGuard,
): Promise<void> {
  rejectForeignOrigin(req, guard, "switch the proxy");

  const body = await readJsonBody(req);
  const enabled = (body as { enabled?: unknown } | null)?.enabled;
  if (typeof enabled !== "boolean") {
    throw new LocalRequestError(
      400,
      'body must be {"enabled": true} or {"enabled": false}',
    );
  }

  context.setProxyEnabled(enabled);
  sendJson(res, 200, { enabled: context.status().enabled });
}
