import { createHash } from "node:crypto";
import { request } from "node:http";

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import {
  startProxyHarness,
  type ProxyHarness,
} from "../../support/proxy-harness.js";

const MIB = 1024 * 1024;
/** Tap memory allowed per open stream, in bytes. */
const TAP_MEMORY_LIMIT = 64 * 1024;

/** What a client received: a digest of the body, its size and the most tap memory seen meanwhile. */
interface Received {
  sha256: string;
  bytes: number;
  maxTapBytes: number;
}

function receive(
  harness: ProxyHarness,
  path: string,
  body: string,
): Promise<Received> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    let bytes = 0;
    let maxTapBytes = 0;

    const req = request(
      `${harness.baseUrl}${path}`,
      { method: "POST" },
      (res) => {
        res.on("data", (chunk: Buffer) => {
          hash.update(chunk);
          bytes += chunk.length;
          maxTapBytes = Math.max(
            maxTapBytes,
            harness.tokentap.tapRetainedBytes(),
          );
        });
        res.on("end", () =>
          resolve({ sha256: hash.digest("hex"), bytes, maxTapBytes }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** Builds a 20 MB NDJSON stream: many text lines, then the final counters. */
function largeStream(): Buffer {
  const line = `{"model":"big:1b","response":"${"word ".repeat(200)}","done":false}\n`;
  const count = Math.ceil((20 * MIB) / line.length);
  const final =
    '{"model":"big:1b","response":"","done":true,"done_reason":"stop","prompt_eval_count":7,"eval_count":123456,"eval_duration":2000000000}\n';
  return Buffer.concat([Buffer.from(line.repeat(count)), Buffer.from(final)]);
}

/** Builds a 20 MB non-streaming Ollama reply whose counters come after the text and context. */
function largeWhole(): Buffer {
  const text = "lorem ipsum ".repeat(Math.ceil((18 * MIB) / 12));
  const context = Array.from(
    { length: 300_000 },
    (_, index) => index % 128_000,
  ).join(",");
  return Buffer.from(
    `{"model":"big:1b","created_at":"2026-11-20T09:16:00Z","response":"${text}","done":true,"done_reason":"stop","context":[${context}],"total_duration":9000000000,"prompt_eval_count":11,"eval_count":654321,"eval_duration":3000000000}`,
  );
}

describe("large bodies through the proxy", () => {
  let harness: ProxyHarness;

  beforeEach(async () => {
    harness = await startProxyHarness();
  });

  afterEach(async () => {
    await harness.stop();
  });

  it("streams 20 MB intact with bounded tap memory", async () => {
    const body = largeStream();
    harness.upstream.setHandler((_req, res) => {
      res.writeHead(200, { "content-type": "application/x-ndjson" });
      for (let offset = 0; offset < body.length; offset += 64 * 1024) {
        res.write(body.subarray(offset, offset + 64 * 1024));
      }
      res.end();
    });

    const received = await receive(
      harness,
      "/api/generate",
      '{"model":"big:1b"}',
    );
    const record = await harness.nextRecord();

    expect(received.bytes).toBe(body.length);
    expect(received.sha256).toBe(
      createHash("sha256").update(body).digest("hex"),
    );
    expect(received.maxTapBytes).toBeLessThan(TAP_MEMORY_LIMIT);
    expect(record.outputTokens).toBe(123456);
    expect(record.promptTokens).toBe(7);
    expect(record.tokensPerSecond).toBeCloseTo(61728, 6);
  });

  it("reads counters after a 20 MB non-streaming body", async () => {
    const body = largeWhole();
    harness.upstream.setHandler((_req, res) => {
      res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
      res.end(body);
    });

    const received = await receive(
      harness,
      "/api/generate",
      '{"model":"big:1b","stream":false}',
    );
    const record = await harness.nextRecord();

    expect(received.bytes).toBe(body.length);
    expect(received.sha256).toBe(
      createHash("sha256").update(body).digest("hex"),
    );
    expect(received.maxTapBytes).toBeLessThan(TAP_MEMORY_LIMIT);
    expect(record.streamed).toBe(false);
    expect(record.outputTokens).toBe(654321);
    expect(record.promptTokens).toBe(11);
    expect(record.totalMs).toBe(9000);
  });
});
