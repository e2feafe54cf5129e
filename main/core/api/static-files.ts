import { existsSync } from "node:fs";
import { readFile, realpath, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  dirname,
  extname,
  isAbsolute,
  join,
  relative,
  resolve,
  sep,
} from "node:path";
import { fileURLToPath } from "node:url";

import { sendError } from "../proxy/json-reply.js";

/** Path the built dashboard is served under; `/tokentap` redirects here. */
export const DASHBOARD_PREFIX = "/tokentap/";

/** Prefix of the local API, which the dashboard paths leave alone. */
const API_PREFIX = "/tokentap/api/";

/**
 * Content-Security-Policy of the dashboard. `renderer/index.html` carries the
 * same policy in a meta tag so it also holds when Electron loads the page
 * from `file://`.
 */
export const DASHBOARD_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'";

/** The header adds `frame-ancestors`, which browsers ignore in a meta tag. */
const HEADER_CSP = `${DASHBOARD_CSP}; frame-ancestors 'none'`;

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
};

const SECURITY_HEADERS = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

/** Serves one request for a dashboard path; the local API routes GET and HEAD here. */
export type DashboardRoute = (
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
) => Promise<void>;

/** Returns true when `pathname` belongs to the dashboard rather than to the local API. */
export function isDashboardPath(pathname: string): boolean {
  if (pathname === "/tokentap") return true;
  return (
    pathname.startsWith(DASHBOARD_PREFIX) && !pathname.startsWith(API_PREFIX)
  );
}

/**
 * Finds `dist/renderer` from the location of this module: the nearest folder
 * above it with a `package.json` is the package root. That holds for the
 * compiled `dist/main/core/api/`, for the TypeScript sources under a test
 * runner and for the packaged app, whose archive keeps `package.json`.
 */
export function locateDashboardDir(
  moduleUrl: string | URL = import.meta.url,
): string {
  const moduleDir = dirname(fileURLToPath(moduleUrl));

  for (let dir = moduleDir; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json")))
      return join(dir, "dist", "renderer");
    if (dirname(dir) === dir) break;
  }

  // No package root above: assume the compiled layout, dist/main/core/api/.
  return resolve(moduleDir, "..", "..", "..", "renderer");
}

function sendNotFound(res: ServerResponse, pathname: string): void {
  sendError(res, 404, `no dashboard file at ${pathname}`, SECURITY_HEADERS);
}

/** Creates the route that serves the files of the built dashboard in `root`. */
export function createDashboardRoute(
  root: string = locateDashboardDir(),
): DashboardRoute {
  return async (req, res, url) => {
    if (!isDashboardPath(url.pathname)) {
      sendNotFound(res, url.pathname);
      return;
    }
    if (url.pathname === "/tokentap") {
      res.writeHead(308, { location: `${DASHBOARD_PREFIX}${url.search}` });
      res.end();
      return;
    }

    const target = resolveTarget(
      root,
      url.pathname.slice(DASHBOARD_PREFIX.length),
    );
    if (typeof target !== "string") {
      sendError(res, 400, target.problem, SECURITY_HEADERS);
      return;
    }

    const index = join(root, "index.html");
    if (!(await isFile(index))) {
      sendError(
        res,
        503,
        `the dashboard is not built: ${index} is missing; run npm run build and reload this page`,
        SECURITY_HEADERS,
      );
      return;
    }

    const file = await readInside(root, target);
    if (file === null) {
      sendNotFound(res, url.pathname);
      return;
    }

    sendFile(req, res, target, file);
  };
}

/**
 * Maps the part of the path after the prefix to a file in `root`, or returns
 * why it cannot. The URL parser has already removed `.` and `..` segments,
 * but an encoded slash (`..%2f`) only becomes one here, so the resolved path
 * is checked again.
 */
function resolveTarget(
  root: string,
  encoded: string,
): string | { problem: string } {
  let name: string;
  try {
    name = decodeURIComponent(encoded);
  } catch {
    return {
      problem: `invalid percent-encoding in dashboard path "${encoded}"`,
    };
  }

  if (name.includes("\0"))
    return { problem: "dashboard path contains a NUL byte" };
  if (name === "") name = "index.html";

  const target = resolve(root, name);
  if (!isInside(root, target)) {
    return {
      problem: `dashboard path "${encoded}" leaves the dashboard folder`,
    };
  }
  return target;
}

/** Reads `target` when it is a file whose real path, links resolved, stays inside `root`. */
async function readInside(
  root: string,
  target: string,
): Promise<Buffer | null> {
  try {
    const [realRoot, realTarget] = await Promise.all([
      realpath(root),
      realpath(target),
    ]);
    if (!isInside(realRoot, realTarget) || !(await isFile(realTarget)))
      return null;
    return await readFile(realTarget);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR")
      return null;
    throw error;
  }
}

function sendFile(
  req: IncomingMessage,
  res: ServerResponse,
  target: string,
  body: Buffer,
): void {
  res.writeHead(200, {
    "content-type":
      CONTENT_TYPES[extname(target).toLowerCase()] ??
      "application/octet-stream",
    "content-length": body.length,
    "content-security-policy": HEADER_CSP,
    "cache-control": "no-cache",
    ...SECURITY_HEADERS,
  });
  res.end(req.method === "HEAD" ? undefined : body);
}

function isInside(root: string, target: string): boolean {
  const path = relative(root, target);
  const escapes = path === ".." || path.startsWith(`..${sep}`);
  return path !== "" && !escapes && !isAbsolute(path);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
