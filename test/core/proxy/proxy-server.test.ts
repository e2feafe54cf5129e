import { afterEach, beforeEach, describe, expect, it } from "vitest";

import {
  FakeUpstream,
  delay,
  splitLines,
  writeInParts,
} from "../../support/fake-upstream.js";
import { postJson, send } from "../../support/http-client.js";
import {
  startProxyHarness,
  type ProxyHarness,
} from "../../support/proxy-harness.js";

const NDJSON_STREAM = Buffer.from(
  [
    '{"model":"m","response":"a","done":false}',
    '{"model":"m","response":"b","done":false}',
    '{"model":"m","response":"","done":true,"eval_count":2,"eval_duration":100000000}',
    "",
  ].join("\n"),
);

describe("ProxyServer", () => {
  let harness: ProxyHarness;

  beforeEach(async () => {
    harness = await startProxyHarness();
  });

  afterEach(async () => {
    await harness.stop();
  });

  it("forwards a non-inference path byte for byte", async () => {
    const body = Buffer.from(
      '{"models":[{"name":"llama3.2:3b"}]}\n  trailing bytes ',
    );
    harness.upstream.setHandler((_req, res) => {
      res.writeHead(200, {
        "content-type": "application/json",
        "x-upstream": "yes",
      });
      res.end(body);
    });

    const reply = await send(`${harness.baseUrl}/api/tags?verbose=1`);

    expect(reply.status).toBe(200);
    expect(reply.body.equals(body)).toBe(true);
    expect(reply.headers["x-upstream"]).toBe("yes");
    expect(harness.upstream.received[0]?.url).toBe("/api/tags?verbose=1");
  });

  it("forwards request bodies unchanged", async () => {
    harness.upstream.setHandler((_req, res, body) => res.end(body));
    const body = JSON.stringify({ model: "m", prompt: "héllo", stream: false });

    const reply = await postJson(
      `${harness.baseUrl}/api/generate`,
      JSON.parse(body),
    );

    expect(reply.body.toString()).toBe(body);
  });

  it("asks the upstream for identity encoding on tapped paths only", async () => {
    harness.upstream.setHandler((_req, res) => res.end("{}"));

    await postJson(
      `${harness.baseUrl}/api/chat`,
      { model: "m" },
      { "accept-encoding": "gzip" },
    );
    await send(`${harness.baseUrl}/api/tags`, {
      headers: { "accept-encoding": "gzip" },
    });

    expect(harness.upstream.received[0]?.headers["accept-encoding"]).toBe(
      "identity",
    );
    expect(harness.upstream.received[1]?.headers["accept-encoding"]).toBe(
      "gzip",
    );
  });

  it("forwards to an IPv6 loopback upstream", async () => {
    const upstream = await new FakeUpstream().start(0, "::1");
    upstream.setHandler((_req, res) => res.end("over IPv6"));
    await harness.tokentap.applySettings({ upstream: upstream.url.origin });

    const reply = await send(`${harness.baseUrl}/api/tags`);
    await upstream.stop();

    expect(reply.status).toBe(200);
    expect(reply.body.toString()).toBe("over IPv6");
  });

  it("answers /metrics locally", async () => {
    const reply = await send(`${harness.baseUrl}/metrics`);

    expect(reply.status).toBe(200);
    expect(reply.body.toString()).toContain("tokentap_requests_in_flight");
    expect(harness.upstream.received).toHaveLength(0);
  });

  it("rejects a rebinding Host header with 403", async () => {
    const reply = await send(`${harness.baseUrl}/api/tags`, {
      headers: { host: "evil.example:4321" },
    });

    expect(reply.status).toBe(403);
    expect((reply.json() as { error: string }).error).toContain("evil.example");
    expect(harness.upstream.received).toHaveLength(0);
  });

  it("rejects a cross-origin page with 403", async () => {
    const reply = await postJson(
      `${harness.baseUrl}/api/generate`,
      { model: "m" },
      { origin: "https://evil.example" },
    );

    expect(reply.status).toBe(403);
    expect(harness.upstream.received).toHaveLength(0);
  });

  it("passes a local origin", async () => {
    harness.upstream.setHandler((_req, res) => res.end("{}"));

    const reply = await send(`${harness.baseUrl}/api/tags`, {
      headers: { origin: "http://localhost:3000" },
    });

    expect(reply.status).toBe(200);
  });

  it("passes localhost and IPv6 loopback Host names", async () => {
    harness.upstream.setHandler((_req, res) => res.end("{}"));
    const port = new URL(harness.baseUrl).port;

    const byName = await send(`${harness.baseUrl}/api/tags`, {
      headers: { host: `localhost:${port}` },
    });
    const byV6 = await send(`${harness.baseUrl}/api/tags`, {
      headers: { host: `[::1]:${port}` },
    });

    expect(byName.status).toBe(200);
    expect(byV6.status).toBe(200);
  });

  it("answers 503 while switched off and forwards again when on", async () => {
    harness.upstream.setHandler((_req, res) => res.end("{}"));

    harness.tokentap.setProxyEnabled(false);
    const off = await send(`${harness.baseUrl}/api/tags`);
    const metrics = await send(`${harness.baseUrl}/metrics`);
    harness.tokentap.setProxyEnabled(true);
    const on = await send(`${harness.baseUrl}/api/tags`);

    expect(off.status).toBe(503);
    expect((off.json() as { error: string }).error).toContain("switched off");
    expect(metrics.status).toBe(200);
    expect(metrics.body.toString()).toMatch(/^tokentap_proxy_enabled 0$/m);
    expect(on.status).toBe(200);
    expect(harness.upstream.received).toHaveLength(1);
  });

  it("lets a stream in flight finish after switching off", async () => {
    const parts = splitLines(NDJSON_STREAM);
    harness.upstream.setHandler(async (_req, res) => {
      res.writeHead(200, { "content-type": "application/x-ndjson" });
      await writeInParts(res, parts, 50);
    });

    const streaming = send(`${harness.baseUrl}/api/generate`, {
      method: "POST",
      body: '{"model":"m","prompt":"p"}',
    });
    await delay(30);
    harness.tokentap.setProxyEnabled(false);
    const reply = await streaming;
    const record = await harness.nextRecord();

    expect(reply.body.equals(NDJSON_STREAM)).toBe(true);
    expect(record.outcome).toBe("ok");
  });

  it("switches over HTTP from the same origin", async () => {
    const origin = harness.baseUrl;

    const set = await postJson(
      `${harness.baseUrl}/tokentap/api/proxy`,
      { enabled: false },
      { origin },
    );
    const read = await send(`${harness.baseUrl}/tokentap/api/proxy`);

    expect(set.status).toBe(200);
    expect(set.json()).toEqual({ enabled: false });
    expect(read.json()).toEqual({ enabled: false });
    expect(harness.tokentap.proxyEnabled).toBe(false);
  });

  it("rejects switching from another local origin", async () => {
    const reply = await postJson(
      `${harness.baseUrl}/tokentap/api/proxy`,
      { enabled: false },
      { origin: "http://localhost:3000" },
    );

    expect(reply.status).toBe(403);
    expect(harness.tokentap.proxyEnabled).toBe(true);
  });

  it("rejects a malformed switch body with 400", async () => {
    const reply = await postJson(`${harness.baseUrl}/tokentap/api/proxy`, {
      enabled: "no",
    });

    expect(reply.status).toBe(400);
    expect((reply.json() as { error: string }).error).toContain('"enabled"');
  });

  it("rejects a form-encoded switch body with 415", async () => {
    const reply = await send(`${harness.baseUrl}/tokentap/api/proxy`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "enabled=false",
    });

    expect(reply.status).toBe(415);
    expect(harness.tokentap.proxyEnabled).toBe(true);
  });

  it("answers 404 for unknown local paths", async () => {
    const reply = await send(`${harness.baseUrl}/tokentap/api/nothing`);

    expect(reply.status).toBe(404);
    expect(harness.upstream.received).toHaveLength(0);
  });

  it("counts requests in flight", async () => {
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    harness.upstream.setHandler(async (_req, res) => {
      res.writeHead(200, { "content-type": "application/x-ndjson" });
      res.write('{"model":"m","response":"a","done":false}\n');
      await released;
      res.end('{"model":"m","done":true}\n');
    });

    const streaming = send(`${harness.baseUrl}/api/generate`, {
      method: "POST",
      body: "{}",
    });
    await delay(50);
    const during = (
      await send(`${harness.baseUrl}/tokentap/api/status`)
    ).json() as { inFlight: number };
    release();
    await streaming;
    await harness.nextRecord();
    const after = (
      await send(`${harness.baseUrl}/tokentap/api/status`)
    ).json() as { inFlight: number };

    expect(during.inFlight).toBe(1);
    expect(after.inFlight).toBe(0);
  });
});
