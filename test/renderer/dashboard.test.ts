import { mkdir } from "node:fs/promises";

import { Ollama } from "ollama";
import OpenAI from "openai";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DASHBOARD_CSP } from "../../main/core/api/static-files.js";
import { send } from "../support/http-client.js";
import {
  startProxyHarness,
  type ProxyHarness,
} from "../support/proxy-harness.js";
import {
  collectPageProblems,
  launchChromium,
  type Browser,
  type PageProblems,
} from "./support/chromium.js";
import {
  gpuStandIn,
  STAND_IN_MEMORY_GIB,
  STAND_IN_UTILIZATION,
} from "./support/gpu-stand-in.js";
import { replayOllama } from "./support/ollama-upstream.js";

/** Where the test run leaves its picture of the dashboard; git ignores the folder. */
const SCREENSHOT_PATH = "test-results/dashboard.png";

const POLL = { timeout: 5000, interval: 50 };

describe("dashboard in Chromium", () => {
  let harness: ProxyHarness;
  let browser: Browser;
  let page: Page;
  let problems: PageProblems;
  let ollama: Ollama;

  beforeAll(async () => {
    harness = await startProxyHarness({}, { createGpuSampler: gpuStandIn });
    harness.upstream.setHandler(replayOllama);
    ollama = new Ollama({ host: harness.baseUrl });

    browser = await launchChromium();
    page = await browser.context.newPage();
    problems = await collectPageProblems(page);
    await page.goto(`${harness.baseUrl}/tokentap/`);
    await page.locator('#connection:text-is("live")').waitFor(POLL);
  });

  afterAll(async () => {
    await browser?.close();
    await harness?.stop();
  });

  async function generate(
    model: string,
    prompt = "Why is the sky blue?",
  ): Promise<void> {
    const stream = await ollama.generate({ model, prompt, stream: true });
    for await (const _part of stream) {
      // Reading to the end lets the proxy finish the record.
    }
  }

  function requestRow(model: string) {
    return page
      .locator("#requests-body tr.request")
      .filter({ has: page.locator("td.col-model", { hasText: model }) })
      .first();
  }

  async function chartPoints(id: string): Promise<Record<string, number[]>> {
    const text = await page.locator(`#${id}`).getAttribute("data-points");
    return JSON.parse(text ?? "{}") as Record<string, number[]>;
  }

  async function requestRows(): Promise<number> {
    return page.locator("#requests-body tr.request").count();
  }

  it("is served by the core with its CSP", async () => {
    const html = await send(`${harness.baseUrl}/tokentap/`);
    const script = await send(`${harness.baseUrl}/tokentap/app.js`);

    expect(html.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(html.headers["content-security-policy"]).toContain(DASHBOARD_CSP);
    expect(script.headers["content-type"]).toBe(
      "text/javascript; charset=utf-8",
    );
  });

  it("lists proxied requests with their rates", async () => {
    await generate("llama3.2:3b");
    await ollama.chat({
      model: "qwen2.5:7b",
      messages: [{ role: "user", content: "Why is the sky blue?" }],
      stream: false,
    });
    await expect.poll(requestRows, POLL).toBe(2);

    const generated = requestRow("llama3.2:3b");
    expect(await generated.locator(".col-endpoint").textContent()).toBe(
      "/api/generate",
    );
    expect(await generated.locator(".col-outcome").textContent()).toBe("ok");
    expect(await generated.locator(".col-in").textContent()).toBe("26");
    expect(await generated.locator(".col-out").textContent()).toBe("6");
    expect(await generated.locator(".col-rate .value").textContent()).toBe(
      "50.0",
    );
    expect(
      await generated.locator(".col-rate .rate-source").textContent(),
    ).toBe("server");
    expect(await generated.locator(".col-ttft").textContent()).toMatch(
      /^\d+ ms$/,
    );

    const chatted = requestRow("qwen2.5:7b");
    expect(await chatted.locator(".col-endpoint").textContent()).toBe(
      "/api/chat",
    );
    expect(await chatted.locator(".col-rate .value").textContent()).toBe(
      "62.5",
    );
    expect(await chatted.locator(".col-out").textContent()).toBe("5");
  });

  it("shows the lifetime totals", async () => {
    expect(await page.locator("#total-requests").textContent()).toBe("2");
    expect(await page.locator("#total-prompt-tokens").textContent()).toBe("57");
    expect(await page.locator("#total-output-tokens").textContent()).toBe("11");
    expect(await page.locator("#total-errors").textContent()).toBe("0");
  });

  it("charts the decode rate per model", async () => {
    const points = await chartPoints("rate-chart");

    expect(Object.keys(points).sort()).toEqual(["llama3.2:3b", "qwen2.5:7b"]);
    expect(points["llama3.2:3b"]?.[0]).toBeCloseTo(50, 6);
    expect(points["qwen2.5:7b"]?.[0]).toBeCloseTo(62.5, 6);
  });

  it("charts time to first token per model", async () => {
    const points = await chartPoints("ttft-chart");
    const first = points["llama3.2:3b"]?.[0];

    expect(points["llama3.2:3b"]).toHaveLength(1);
    expect(first).toBeGreaterThan(0);
  });

  it("draws mean, p50 and p95 bars per model", async () => {
    const labels = JSON.parse(
      (await page.locator("#model-chart").getAttribute("data-labels")) ?? "[]",
    ) as string[];
    const points = await chartPoints("model-chart");
    const llama = labels.indexOf("llama3.2:3b");

    expect(labels.sort()).toEqual(["llama3.2:3b", "qwen2.5:7b"]);
    expect(points.mean?.[llama]).toBeCloseTo(50, 6);
    expect(points.p50?.[llama]).toBeCloseTo(50, 6);
    expect(points.p95?.[llama]).toBeCloseTo(50, 6);
  });

  it("charts GPU utilisation and memory per GPU", async () => {
    const utilization = await chartPoints("gpu-util-chart");
    const memory = await chartPoints("gpu-memory-chart");

    const gpu = "GPU 0: NVIDIA H200";

    expect(utilization[gpu]).toHaveLength(3);
    STAND_IN_UTILIZATION.forEach((ratio, round) => {
      expect(utilization[gpu]?.[round]).toBeCloseTo(ratio * 100, 6);
    });
    expect(memory[gpu]).toEqual(STAND_IN_MEMORY_GIB);
  });

  it("lists loaded models and marks the overdue one", async () => {
    const rows = page.locator("#loaded-models-body tr");
    await expect.poll(() => rows.count(), POLL).toBe(2);

    const kept = rows.filter({ hasText: "llama3.2:3b" });
    const overdue = rows.filter({ hasText: "qwen2.5:7b" });
    expect(await kept.locator(".col-vram").textContent()).toBe("4.2 GiB");
    expect(await kept.locator(".col-expires").textContent()).toMatch(
      /^in \d+ min$/,
    );
    expect(await overdue.getAttribute("class")).toBe("overdue");
    expect(await overdue.locator(".col-vram").textContent()).toBe("5.0 GiB");
    expect(await overdue.locator(".col-expires .badge").textContent()).toBe(
      "overdue",
    );
  });

  it("marks estimated token counts", async () => {
    const openai = new OpenAI({
      baseURL: `${harness.baseUrl}/v1`,
      apiKey: "unused",
    });
    const stream = await openai.chat.completions.create({
      model: "mistral:7b",
      messages: [{ role: "user", content: "Why is the sky blue?" }],
      stream: true,
    });
    for await (const _chunk of stream) {
      // Reading to the end lets the proxy finish the record.
    }
    await expect.poll(requestRows, POLL).toBe(3);

    const row = requestRow("mistral:7b");
    expect(await row.locator(".col-out .estimated").textContent()).toBe("≈");
    expect(await row.locator(".col-rate .rate-source").textContent()).toBe(
      "stream",
    );
  });

  it("shows captured prompts as text, not HTML", async () => {
    const prompt = '<img src="x" id="injected"><b>bold</b> & more';
    await harness.tokentap.applySettings({ capturePrompts: true });
    await generate("phi3:mini", prompt);
    await expect.poll(requestRows, POLL).toBe(4);

    const detail = page.locator("#requests-body tr.request-detail").first();
    await detail.locator("summary").click();
    expect(await detail.locator("pre.text-prompt").textContent()).toBe(prompt);
    expect(await detail.locator("pre.text-completion").textContent()).toBe(
      "The sky looks blue because.",
    );
    expect(await page.locator("#injected").count()).toBe(0);
  });

  it("shows a setting changed elsewhere", async () => {
    const checkbox = page.locator("#setting-capturePrompts");

    await expect.poll(() => checkbox.isChecked(), POLL).toBe(true);
  });

  it("sizes the chart canvases under the CSP", async () => {
    const box = await page.locator("#rate-chart").boundingBox();
    const style = await page.locator("#rate-chart").getAttribute("style");

    expect(box?.height).toBe(220);
    expect(style).toContain("height: 220px");
  });

  it("saves a screenshot of the dashboard", async () => {
    await mkdir("test-results", { recursive: true });
    await page.screenshot({ path: SCREENSHOT_PATH, fullPage: true });
  });

  it("switches the proxy off and on", async () => {
    await page.locator("label.switch").click();
    await expect.poll(() => harness.tokentap.proxyEnabled, POLL).toBe(false);
    await expect
      .poll(() => page.locator("#proxy-state").textContent(), POLL)
      .toMatch(/^Proxy off/);

    const refused = await generate("llama3.2:3b").then(
      () => null,
      (error: { status_code?: number }) => error.status_code,
    );
    expect(refused).toBe(503);

    await page.locator("label.switch").click();
    await expect.poll(() => harness.tokentap.proxyEnabled, POLL).toBe(true);
    await generate("llama3.2:3b");
    await expect
      .poll(() => page.locator("#total-requests").textContent(), POLL)
      .toBe("5");
  });

  it("shows the core's issue for an invalid setting", async () => {
    await page.locator("#setting-storeSize").fill("0");
    await page.locator("#settings-apply").click();

    await expect
      .poll(() => page.locator("#setting-storeSize-issue").textContent(), POLL)
      .toBe("invalid storeSize 0: use an integer from 1 to 1000000");
    expect(harness.tokentap.currentSettings().storeSize).toBe(1000);
  });

  it("applies a valid setting", async () => {
    await page.locator("#setting-storeSize").fill("500");
    await page.locator("#settings-apply").click();

    await expect
      .poll(() => page.locator("#settings-status").textContent(), POLL)
      .toBe("Applied: Store size.");
    expect(harness.tokentap.currentSettings().storeSize).toBe(500);
    expect(await page.locator("#setting-storeSize-issue").textContent()).toBe(
      "",
    );
  });

  it("keeps an edited field on refresh", async () => {
    const original = harness.tokentap.currentSettings().upstream;
    const renamed = original.replace("127.0.0.1", "localhost");
    await page.locator("#setting-gpuIntervalMs").fill("999");

    await harness.tokentap.applySettings({ upstream: renamed });
    await expect
      .poll(() => page.locator("#setting-upstream").inputValue(), POLL)
      .toBe(renamed);
    expect(await page.locator("#setting-gpuIntervalMs").inputValue()).toBe(
      "999",
    );

    await harness.tokentap.applySettings({ upstream: original });
    await page.locator("#settings-revert").click();
  });

  it("sees a CSP violation it provokes", async () => {
    const probe = await browser.context.newPage();
    const probeProblems = await collectPageProblems(probe);
    await probe.goto(`${harness.baseUrl}/tokentap/`);

    await probe.evaluate("document.body.setAttribute('style', 'color: red')");
    await expect
      .poll(() => probeProblems.messages.join("\n"), POLL)
      .toContain("CSP violation: style-src-attr");
    await probe.close();
  });

  it("reports no console errors or CSP violations", () => {
    expect(problems.messages).toEqual([]);
  });

  it("fails only the rejected setting", () => {
    expect(problems.failedResponses).toEqual([
      "400 POST /tokentap/api/settings",
    ]);
  });
});
