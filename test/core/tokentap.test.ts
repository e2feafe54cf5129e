import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { EventSource } from "eventsource";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { silentLogger } from "../../main/core/log.js";
import type { RequestRecord } from "../../main/core/record.js";
import type { Snapshot } from "../../main/core/snapshot/snapshot.js";
import { Tokentap } from "../../main/core/tokentap.js";
import {
  answerGenerate,
  FakeUpstream,
  waitUntil,
} from "../support/fake-upstream.js";
import { freePort } from "../support/free-port.js";
import { postJson, send } from "../support/http-client.js";
import {
  startProxyHarness,
  type ProxyHarness,
} from "../support/proxy-harness.js";

async function generate(
  harness: ProxyHarness,
  model: string,
  prompt = "Why?",
): Promise<RequestRecord> {
  await postJson(`${harness.baseUrl}/api/generate`, {
    model,
    prompt,
    stream: false,
  });
  return harness.nextRecord();
}

async function readJson<T>(url: string): Promise<T> {
  return (await send(url)).json() as T;
}

describe("Tokentap", () => {
  let dataDir: string;
  let harness: ProxyHarness | undefined;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "tokentap-core-"));
  });

  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
    await rm(dataDir, { recursive: true, force: true });
  });

  it("keeps history across a restart", async () => {
    harness = await startProxyHarness({}, { dataDir });
    answerGenerate(harness.upstream);
    for (const model of ["a:1b", "b:1b", "a:1b"])
      await generate(harness, model);
    const before = await readJson<RequestRecord[]>(
      `${harness.baseUrl}/tokentap/api/requests?limit=10`,
    );
    const modelsBefore = await readJson<unknown[]>(
      `${harness.baseUrl}/tokentap/api/models`,
    );
    await harness.stop();

    harness = await startProxyHarness({}, { dataDir });
    const after = await readJson<RequestRecord[]>(
      `${harness.baseUrl}/tokentap/api/requests?limit=10`,
    );
    const modelsAfter = await readJson<unknown[]>(
      `${harness.baseUrl}/tokentap/api/models`,
    );
    const metrics = (await send(`${harness.baseUrl}/metrics`)).body.toString();
    const lines = (await readFile(join(dataDir, "requests.jsonl"), "utf8"))
      .trim()
      .split("\n");

    expect(after).toEqual(before);
    expect(modelsAfter).toEqual(modelsBefore);
    expect(metrics).not.toMatch(/^tokentap_requests_total\{/m);
    expect(lines).toHaveLength(3);
  });

  it("never writes the prompt to history", async () => {
    const marker = "marker-7f3a9c1e-prompt";
    harness = await startProxyHarness({}, { dataDir });
    answerGenerate(harness.upstream);

    await generate(harness, "llama3.2:3b", `tell me about ${marker}`);
    await harness.tokentap.stop();
    const file = await readFile(join(dataDir, "requests.jsonl"), "utf8");
    await harness.upstream.stop();
    harness = undefined;

    expect(file).toContain('"model":"llama3.2:3b"');
    expect(file).not.toContain(marker);
  });

  it("never writes the prompt to history with capture on", async () => {
    const marker = "marker-2b8d4e6f-captured";
    harness = await startProxyHarness({ capturePrompts: true }, { dataDir });
    answerGenerate(harness.upstream);

    await generate(harness, "llama3.2:3b", `tell me about ${marker}`);
    const [served] = await readJson<
      Array<RequestRecord & { prompt?: string; completion?: string }>
    >(`${harness.baseUrl}/tokentap/api/requests?limit=1`);
    await harness.tokentap.stop();
    const file = await readFile(join(dataDir, "requests.jsonl"), "utf8");
    await harness.upstream.stop();
    harness = undefined;

    expect(served?.prompt).toBe(`tell me about ${marker}`);
    expect(served?.completion).toBe("ok");
    expect(file).toContain('"model":"llama3.2:3b"');
    expect(file).not.toContain(marker);
  });

  it("serves no prompt with capture off", async () => {
    harness = await startProxyHarness();
    answerGenerate(harness.upstream);

    await generate(harness, "llama3.2:3b", "private words");
    const [served] = await readJson<Array<Record<string, unknown>>>(
      `${harness.baseUrl}/tokentap/api/requests?limit=1`,
    );

    expect(served).not.toHaveProperty("prompt");
    expect(served).not.toHaveProperty("completion");
  });

  it("forgets captured text when capture is turned off", async () => {
    harness = await startProxyHarness({ capturePrompts: true });
    answerGenerate(harness.upstream);
    await generate(harness, "llama3.2:3b", "soon forgotten");

    await harness.tokentap.applySettings({ capturePrompts: false });
    const [served] = await readJson<Array<Record<string, unknown>>>(
      `${harness.baseUrl}/tokentap/api/requests?limit=1`,
    );

    expect(served).not.toHaveProperty("prompt");
  });

  it("serves a snapshot that matches the read API", async () => {
    harness = await startProxyHarness();
    answerGenerate(harness.upstream);
    await generate(harness, "a:1b");
    await generate(harness, "a:1b");

    const snapshot = await readJson<Snapshot>(
      `${harness.baseUrl}/tokentap/api/snapshot`,
    );
    const recent = await readJson<RequestRecord[]>(
      `${harness.baseUrl}/tokentap/api/requests?limit=2`,
    );
    const models = await readJson<unknown[]>(
      `${harness.baseUrl}/tokentap/api/models`,
    );

    expect(snapshot.recent.slice(0, 2)).toEqual(recent);
    expect(snapshot.models).toEqual(models);
    expect(snapshot.totals.requests).toBe(2);
    expect(snapshot.series.map((point) => point.tokensPerSecond)).toEqual([
      40, 40,
    ]);
    expect(snapshot.proxy.listenUrl).toBe(harness.baseUrl);
  });

  it("streams snapshots to an EventSource while requests flow", async () => {
    harness = await startProxyHarness();
    answerGenerate(harness.upstream);
    const snapshots: Snapshot[] = [];
    const events = new EventSource(`${harness.baseUrl}/tokentap/api/events`);
    events.addEventListener("snapshot", (event) =>
      snapshots.push(JSON.parse(event.data) as Snapshot),
    );

    await waitUntil(() => snapshots.length > 0, "the first snapshot");
    for (let index = 0; index < 3; index += 1) await generate(harness, "a:1b");
    await waitUntil(
      () => snapshots.at(-1)?.totals.requests === 3,
      "a snapshot with 3 requests",
    );
    events.close();
    const recent = await readJson<RequestRecord[]>(
      `${harness.baseUrl}/tokentap/api/requests?limit=3`,
    );

    expect(snapshots[0]?.totals.requests).toBe(0);
    expect(snapshots.at(-1)?.recent.slice(0, 3)).toEqual(recent);
  });

  it("sends its answer to a new upstream without a restart", async () => {
    harness = await startProxyHarness();
    answerGenerate(harness.upstream);
    const next = await new FakeUpstream().start();
    answerGenerate(next);

    const nextOrigin = next.url.origin;

    await harness.tokentap.applySettings({ upstream: nextOrigin });
    const record = await generate(harness, "a:1b");
    await next.stop();

    expect(next.received).toHaveLength(1);
    expect(harness.upstream.received).toHaveLength(0);
    expect(record.upstream).toBe(nextOrigin);
  });

  it("moves to a new listen address without a restart", async () => {
    harness = await startProxyHarness();
    answerGenerate(harness.upstream);
    const oldUrl = harness.baseUrl;
    const port = await freePort();

    await harness.tokentap.applySettings({ listen: `127.0.0.1:${port}` });
    harness.baseUrl = harness.tokentap.listenUrl;
    await generate(harness, "a:1b");
    const oldAnswer = await send(`${oldUrl}/metrics`).then(
      () => "answered",
      (error: NodeJS.ErrnoException) => error.code,
    );

    expect(harness.baseUrl).toBe(`http://127.0.0.1:${port}`);
    expect(oldAnswer).toBe("ECONNREFUSED");
  });

  it("moves between addresses on the same port", async () => {
    const port = await freePort();
    harness = await startProxyHarness({ listen: `0.0.0.0:${port}` });

    await harness.tokentap.applySettings({ listen: `127.0.0.1:${port}` });
    const metrics = await send(`http://127.0.0.1:${port}/metrics`);

    expect(harness.tokentap.status().listenUrl).toBe(
      `http://127.0.0.1:${port}`,
    );
    expect(metrics.status).toBe(200);
  });

  it("treats the bound address written another way as no change", async () => {
    harness = await startProxyHarness();
    const port = new URL(harness.baseUrl).port;

    const result = await harness.tokentap.applySettings({
      listen: `localhost:${port}`,
    });
    const metrics = await send(`${harness.baseUrl}/metrics`);

    expect(result.changed).toEqual(["listen"]);
    expect(metrics.status).toBe(200);
    expect(harness.tokentap.status().error).toBeNull();
  });

  it("keeps running when the new port is taken", async () => {
    harness = await startProxyHarness();
    const blocker = createServer();
    await new Promise<void>((resolve) =>
      blocker.listen(0, "127.0.0.1", () => resolve()),
    );
    const port = (blocker.address() as { port: number }).port;

    const error = await harness.tokentap
      .applySettings({ listen: `127.0.0.1:${port}` })
      .then(
        () => null,
        (caught: Error & { code?: string }) => caught,
      );
    const metrics = await send(`${harness.baseUrl}/metrics`);
    blocker.close();

    expect(error?.code).toBe("PORT_IN_USE");
    expect(metrics.status).toBe(200);
    expect(harness.tokentap.currentSettings().listen).toBe("127.0.0.1:0");
    expect(harness.tokentap.status().error?.message).toContain(`port ${port}`);
  });

  it("recovers from a taken port at start", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) =>
      blocker.listen(0, "127.0.0.1", () => resolve()),
    );
    const takenPort = (blocker.address() as { port: number }).port;
    const upstream = await new FakeUpstream().start();
    answerGenerate(upstream);
    const tokentap = new Tokentap({
      settings: {
        listen: `127.0.0.1:${takenPort}`,
        upstream: upstream.url.origin,
      },
      dataDir,
      logger: silentLogger,
    });

    const startError = await tokentap.start().then(
      () => null,
      (error: Error & { code?: string }) => error.code,
    );
    await tokentap.applySettings({ listen: `127.0.0.1:${await freePort()}` });
    await postJson(`${tokentap.listenUrl}/api/generate`, {
      model: "late:1b",
      stream: false,
    });
    await waitUntil(() => tokentap.store.recent().length === 1, "the record");
    await tokentap.stop();
    await upstream.stop();
    blocker.close();
    const file = await readFile(join(dataDir, "requests.jsonl"), "utf8");

    expect(startError).toBe("PORT_IN_USE");
    expect(tokentap.status().error).toBeNull();
    expect(file).toContain('"model":"late:1b"');
  });

  it("rejects invalid settings naming the value", async () => {
    const tokentap = new Tokentap({
      settings: {},
      dataDir: null,
      logger: silentLogger,
    });

    await expect(tokentap.applySettings({ storeSize: 0 })).rejects.toThrow(
      "invalid storeSize 0",
    );
  });
});
