import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { chromium, type BrowserContext, type Page } from "playwright-core";

/** Debian's Chromium, which the dashboard tests drive. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** A running Chromium with its own throw-away profile. */
export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Starts headless Chromium with a fresh profile; fails with the fix when Chromium is not installed. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM_PATH}; install Debian's chromium package (apt-get install chromium) to run the dashboard tests`,
    );
  }

  const userDataDir = await mkdtemp(join(tmpdir(), "tokentap-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    locale: "en-US",
    viewport: { width: 1280, height: 900 },
  });

  return {
    context,
    close: async () => {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

// Runs before the page's own scripts, outside its CSP, and turns each
// violation into a console error so the console listener records it.
const REPORT_CSP_VIOLATIONS = `
document.addEventListener("securitypolicyviolation", (event) => {
  console.error("CSP violation: " + event.violatedDirective + " blocked " + (event.blockedURI || "inline code"));
});
`;

/** What went wrong in a page while a test drove it. */
export interface PageProblems {
  /** Console errors and warnings, uncaught errors and CSP violations. */
  messages: string[];
  /** Responses with status 400 or above, as `STATUS METHOD PATH`. */
  failedResponses: string[];
}

/**
 * Collects what goes wrong in `page`. Chromium logs each failed response as
 * a console error without its URL, so those lines are left to
 * `failedResponses`, which names the request.
 */
export async function collectPageProblems(page: Page): Promise<PageProblems> {
  const problems: PageProblems = { messages: [], failedResponses: [] };

  await page.addInitScript(REPORT_CSP_VIOLATIONS);
  page.on("console", (message) => {
    const type = message.type();
    if (type !== "error" && type !== "warning") return;
    if (message.text().startsWith("Failed to load resource:")) return;
    problems.messages.push(`console ${type}: ${message.text()}`);
  });
  page.on("pageerror", (error) =>
    problems.messages.push(`page error: ${error.message}`),
  );
  page.on("response", (response) => {
    if (response.status() < 400) return;
    const request = response.request();
    problems.failedResponses.push(
      `${response.status()} ${request.method()} ${new URL(response.url()).pathname}`,
    );
  });

  return problems;
}
