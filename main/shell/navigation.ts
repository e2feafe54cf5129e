/** Outcome of a navigation or of a request for a new window. */
export type NavigationDecision = "allow" | "open-external" | "block";

/**
 * The Content-Security-Policy of the window's page: scripts, styles, images
 * and fonts from the app's own files only, and no network connections,
 * because the page gets its data over IPC.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** Checks whether `url` is the app's page file, whatever its hash or query. */
export function isAppUrl(url: string, appUrl: string): boolean {
  const target = parseUrl(url);
  const app = parseUrl(appUrl);
  if (!target || !app || target.protocol !== "file:") return false;

  return withoutFragment(target) === withoutFragment(app);
}

/**
 * Decides a navigation of the window: the app's own page may load again,
 * http(s) links go to the system browser, and everything else is blocked.
 */
export function decideNavigation(
  url: string,
  appUrl: string,
): NavigationDecision {
  if (isAppUrl(url, appUrl)) return "allow";
  return isWebUrl(url) ? "open-external" : "block";
}

/** Decides a request for a new window: never in the app, http(s) links in the system browser. */
export function decideWindowOpen(url: string): NavigationDecision {
  return isWebUrl(url) ? "open-external" : "block";
}

function isWebUrl(url: string): boolean {
  const parsed = parseUrl(url);
  return parsed?.protocol === "http:" || parsed?.protocol === "https:";
}

function withoutFragment(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}
