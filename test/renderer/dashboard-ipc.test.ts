import { pathToFileURL } from "node:url";

import { Ollama } from "ollama";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  startProxyHarness,
  type ProxyHarness,
} from "../support/proxy-harness.js";
import {
  installBridgeStandIn,
  type BridgeStandIn,
} from "./support/bridge-stand-in.js";
import {
  collectPageProblems,
  launchChromium,
  type Browser,
  type PageProblems,
} from "./support/chromium.js";
import { replayOllama } from "./support/ollama-upstream.js";

const POLL = { timeout: 5000, interval: 50 };

/** The built page as Electron loads it. */
const PAGE_URL = pathToFileURL("dist/renderer/index.html").href;

describe("dashboard from file:// over the bridge", () => {
  let harness: ProxyHarness;
  let browser: Browser;
  let page: Page;
  let bridge: BridgeStandIn;
  let problems: PageProblems;

  beforeAll(async () => {
    harness = await startProxyHarness();
    harness.upstream.setHandler(replayOllama);

    browser = await launchChromium();
    page = await browser.context.newPage();
    problems = await collectPageProblems(page);
    bridge = await installBridgeStandIn(page, harness.tokentap);
    await page.goto(PAGE_URL);
    await page.locator('#connection:text-is("live")').waitFor(POLL);
  });

  afterAll(async () => {
    bridge?.stop();
    await browser?.close();
    await harness?.stop();
  });

  it("picks the IPC transport", async () => {
    expect(await page.locator("#transport-kind").textContent()).toBe("IPC");
    expect(bridge.ready).toBe(true);
  });

  it("draws pushed snapshots", async () => {
    const ollama = new Ollama({ host: harness.baseUrl });
    const stream = await ollama.generate({
      model: "llama3.2:3b",
      prompt: "Why?",
      stream: true,
    });
    for await (const _part of stream) {
      // Reading to the end lets the proxy finish the record.
    }

    const rate = page.locator("#requests-body tr.request .col-rate .value");
    await expect.poll(() => rate.count(), POLL).toBe(1);
    expect(await rate.textContent()).toBe("50.0");
  });

  it("switches the proxy through the bridge", async () => {
    await page.locator("label.switch").click();
    await expect.poll(() => harness.tokentap.proxyEnabled, POLL).toBe(false);

    await page.locator("label.switch").click();
    await expect.poll(() => harness.tokentap.proxyEnabled, POLL).toBe(true);
  });

  it("opens the data folder through the bridge", async () => {
    await page.locator("#open-data-folder").click();

    await expect.poll(() => bridge.openDataFolderCalls, POLL).toBe(1);
  });

  it("applies its stylesheet from file://", async () => {
    const background = await page.evaluate(
      "getComputedStyle(document.body).backgroundColor",
    );

    expect(background).toBe("rgb(245, 246, 248)");
  });

  it("reports no console errors or CSP violations", () => {
    expect(problems.messages).toEqual([]);
  });

  it("sees no failed responses", () => {
    expect(problems.failedResponses).toEqual([]);
  });
});
