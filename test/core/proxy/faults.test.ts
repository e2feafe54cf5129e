import { request } from "node:http";
import { connect, createServer } from "node:net";

import { afterEach, describe, expect, it } from "vitest";

import { silentLogger } from "../../../main/core/log.js";
import { Tokentap } from "../../../main/core/tokentap.js";
import { FakeUpstream, delay } from "../../support/fake-upstream.js";
import { postJson, send } from "../../support/http-client.js";
import {
  startProxyHarness,
  type ProxyHarness,
} from "../../support/proxy-harness.js";

const CHUNK = '{"model":"m","response":"tok","done":false}\n';

describe("proxy faults", () => {
  let harness: ProxyHarness | undefined;

  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  it("answers 502 while the upstream is down and recovers", async () => {
    harness = await startProxyHarness();
    const port = harness.upstream.port;
    await harness.upstream.stop();

    const down = await postJson(`${harness.baseUrl}/api/generate`, {
      model: "m",
      prompt: "p",
    });
    const record = await harness.nextRecord();

    harness.upstream = await new FakeUpstream().start(port);
    harness.upstream.setHandler((_req, res) =>
      res.end('{"model":"m","done":true}'),
    );
    const back = await postJson(`${harness.baseUrl}/api/generate`, {
      model: "m",
      stream: false,
    });

    expect(down.status).toBe(502);
    expect((down.json() as { error: string }).error).toContain(
      `127.0.0.1:${port}`,
    );
    expect((down.json() as { error: string }).error).toContain("ECONNREFUSED");
    expect(record.outcome).toBe("upstream_error");
    expect(record.status).toBe(502);
    expect(back.status).toBe(200);
  });

  it("records a stream the upstream cuts", async () => {
    harness = await startProxyHarness();
    harness.upstream.setHandler(async (req, res) => {
      res.writeHead(200, { "content-type": "application/x-ndjson" });
      res.write(CHUNK);
      await delay(20);
      req.socket.destroy();
    });

    const outcome = await new Promise<string>((resolve) => {
      const req = request(
        `${harness!.baseUrl}/api/generate`,
        { method: "POST" },
        (res) => {
          res.on("data", () => {});
          res.on("end", () => resolve("end"));
          res.on("error", () => resolve("error"));
          res.on("aborted", () => resolve("aborted"));
        },
      );
      req.on("error", () => resolve("error"));
      req.end('{"model":"m"}');
    });
    const record = await harness.nextRecord();

    expect(outcome).not.toBe("end");
    expect(record.outcome).toBe("upstream_error");
    expect(record.error).toContain("before the response ended");
  });

  it("closes the upstream when the client hangs up", async () => {
    harness = await startProxyHarness();
    let upstreamClosedAt = 0;
    harness.upstream.setHandler((_req, res) => {
      res.writeHead(200, { "content-type": "application/x-ndjson" });
      const timer = setInterval(() => res.write(CHUNK), 10);
      res.once("close", () => {
        clearInterval(timer);
        upstreamClosedAt = performance.now();
      });
    });

    const hungUpAt = await new Promise<number>((resolve) => {
      const req = request(
        `${harness!.baseUrl}/api/generate`,
        { method: "POST" },
        (res) => {
          res.once("data", () => {
            req.destroy();
            resolve(performance.now());
          });
        },
      );
      req.on("error", () => {});
      req.end('{"model":"m"}');
    });
    const record = await harness.nextRecord();
    await delay(100);
    const status = (
      await send(`${harness.baseUrl}/tokentap/api/status`)
    ).json() as { inFlight: number };

    expect(record.outcome).toBe("aborted");
    expect(upstreamClosedAt).toBeGreaterThan(0);
    expect(upstreamClosedAt - hungUpAt).toBeLessThan(1000);
    expect(status.inFlight).toBe(0);
  });

  it("records an error line inside a 200 stream", async () => {
    harness = await startProxyHarness();
    const body = `${CHUNK}{"error":"model runner has unexpectedly stopped"}\n`;
    harness.upstream.setHandler((_req, res) => {
      res.writeHead(200, { "content-type": "application/x-ndjson" });
      res.end(body);
    });

    const reply = await postJson(`${harness.baseUrl}/api/generate`, {
      model: "m",
    });
    const record = await harness.nextRecord();

    expect(reply.status).toBe(200);
    expect(reply.body.toString()).toBe(body);
    expect(record.outcome).toBe("error");
    expect(record.error).toMatch(/^model runner has unexpectedly stopped/);
    expect(record.tokensPerSecond).toBeNull();
  });

  it("passes invalid JSON and an over-long line unchanged", async () => {
    harness = await startProxyHarness();
    const longLine = `{"response":"${"x".repeat(3_000_000)}`;
    const body = Buffer.from(
      `not json at all\n${longLine}\n{"model":"m","done":true,"eval_count":3}\n`,
    );
    harness.upstream.setHandler((_req, res) => {
      res.writeHead(200, { "content-type": "application/x-ndjson" });
      res.end(body);
    });

    const reply = await postJson(`${harness.baseUrl}/api/generate`, {
      model: "m",
    });
    const record = await harness.nextRecord();

    expect(reply.body.equals(body)).toBe(true);
    expect(record.outputTokens).toBe(3);
  });

  it("reports a taken port without crashing", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) =>
      blocker.listen(0, "127.0.0.1", () => resolve()),
    );
    const port = (blocker.address() as { port: number }).port;
    const tokentap = new Tokentap({
      settings: { listen: `127.0.0.1:${port}`, upstream: "http://127.0.0.1:9" },
      dataDir: null,
      logger: silentLogger,
    });

    const error = (await tokentap.start().then(
      () => new Error("start() resolved on a taken port"),
      (caught: unknown) => caught,
    )) as Error & { code?: string };
    blocker.close();

    expect(error.code).toBe("PORT_IN_USE");
    expect(error.message).toContain(`port ${port}`);
    expect(tokentap.store.error()?.message).toContain("already in use");
  });
});

describe("malformed client requests", () => {
  let harness: ProxyHarness;

  afterEach(async () => {
    await harness.stop();
  });

  /** Writes raw bytes to the proxy and returns what comes back before it closes. */
  async function sendRaw(bytes: string): Promise<string> {
    const url = new URL(harness.baseUrl);
    const socket = connect(Number(url.port), url.hostname);
    let received = "";
    socket.on("data", (chunk: Buffer) => (received += chunk.toString()));
    socket.write(bytes);
    await new Promise<void>((resolve) => socket.once("close", () => resolve()));
    return received;
  }

  it("answers garbage with 400", async () => {
    harness = await startProxyHarness();

    const reply = await sendRaw("THIS IS NOT HTTP\r\n\r\n");

    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
  });

  it("answers oversized headers with 431", async () => {
    harness = await startProxyHarness();

    const reply = await sendRaw(
      `GET /api/tags HTTP/1.1\r\nHost: localhost\r\nX-Big: ${"a".repeat(100_000)}\r\n\r\n`,
    );

    expect(reply).toMatch(/^HTTP\/1\.1 431 /);
  });
});
