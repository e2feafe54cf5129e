import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { postJson, send } from "../../support/http-client.js";
import {
  startProxyHarness,
  type ProxyHarness,
} from "../../support/proxy-harness.js";

/** Field names of a record in the read API, in order. */
const RECORD_FIELDS = [
  "id",
  "startedAt",
  "endedAt",
  "method",
  "path",
  "api",
  "endpoint",
  "upstream",
  "model",
  "status",
  "outcome",
  "error",
  "streamed",
  "promptTokens",
  "outputTokens",
  "estimated",
  "tokensPerSecond",
  "rateSource",
  "ttftMs",
  "totalMs",
  "loadMs",
  "promptEvalMs",
  "evalMs",
  "doneReason",
];

describe("local read API", () => {
  let harness: ProxyHarness;

  beforeEach(async () => {
    harness = await startProxyHarness({ storeSize: 10 });
    harness.upstream.setHandler((_req, res, body) => {
      const { model } = JSON.parse(body.toString()) as { model: string };
      res.setHeader("content-type", "application/json; charset=utf-8");
      res.end(
        JSON.stringify({
          model,
          done: true,
          eval_count: 10,
          eval_duration: 500_000_000,
        }),
      );
    });
  });

  afterEach(async () => {
    await harness.stop();
  });

  async function generate(model: string, times: number): Promise<void> {
    for (let index = 0; index < times; index += 1) {
      await postJson(`${harness.baseUrl}/api/generate`, {
        model,
        prompt: "p",
        stream: false,
      });
      await harness.nextRecord();
    }
  }

  it("returns recent records newest first", async () => {
    await generate("first:1b", 1);
    await generate("second:1b", 1);

    const reply = await send(
      `${harness.baseUrl}/tokentap/api/requests?limit=2`,
    );
    const records = reply.json() as Array<Record<string, unknown>>;

    expect(reply.status).toBe(200);
    expect(records.map((record) => record.model)).toEqual([
      "second:1b",
      "first:1b",
    ]);
  });

  it("uses the documented field names", async () => {
    await generate("llama3.2:3b", 1);

    const [record] = (
      await send(`${harness.baseUrl}/tokentap/api/requests?limit=1`)
    ).json() as Array<Record<string, unknown>>;

    expect(Object.keys(record ?? {})).toEqual(RECORD_FIELDS);
    expect(record?.startedAt).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/,
    );
    expect(record?.tokensPerSecond).toBe(20);
    expect(record?.rateSource).toBe("server");
    expect(record?.ttftMs).toBeNull();
  });

  it("limits the number of records", async () => {
    await generate("llama3.2:3b", 3);

    const records = (
      await send(`${harness.baseUrl}/tokentap/api/requests?limit=2`)
    ).json() as unknown[];

    expect(records).toHaveLength(2);
  });

  it("rejects a limit beyond the store size", async () => {
    const reply = await send(
      `${harness.baseUrl}/tokentap/api/requests?limit=11`,
    );

    expect(reply.status).toBe(400);
    expect((reply.json() as { error: string }).error).toContain("from 1 to 10");
  });

  it("rejects a non-numeric limit", async () => {
    const reply = await send(
      `${harness.baseUrl}/tokentap/api/requests?limit=all`,
    );

    expect(reply.status).toBe(400);
  });

  it("returns per-model stats busiest first", async () => {
    await generate("quiet:1b", 1);
    await generate("busy:1b", 2);

    const models = (
      await send(`${harness.baseUrl}/tokentap/api/models`)
    ).json() as Array<{
      model: string;
      requests: number;
      outputTokens: number;
    }>;

    expect(models.map((entry) => entry.model)).toEqual(["busy:1b", "quiet:1b"]);
    expect(models[0]?.requests).toBe(2);
    expect(models[0]?.outputTokens).toBe(20);
  });

  it("rejects an unsupported method with 405", async () => {
    const reply = await send(`${harness.baseUrl}/tokentap/api/requests`, {
      method: "DELETE",
    });

    expect(reply.status).toBe(405);
    expect(reply.headers.allow).toBe("GET");
  });
});

describe("settings over HTTP", () => {
  let harness: ProxyHarness;

  beforeEach(async () => {
    harness = await startProxyHarness();
  });

  afterEach(async () => {
    await harness.stop();
  });

  it("applies a valid change", async () => {
    const reply = await postJson(`${harness.baseUrl}/tokentap/api/settings`, {
      storeSize: 50,
    });

    expect(reply.status).toBe(200);
    expect(harness.tokentap.currentSettings().storeSize).toBe(50);
  });

  it("lists each invalid value", async () => {
    const reply = await postJson(`${harness.baseUrl}/tokentap/api/settings`, {
      storeSize: 0,
    });
    const body = reply.json() as {
      ok: boolean;
      issues: Array<{ setting: string }>;
    };

    expect(reply.status).toBe(400);
    expect(body.ok).toBe(false);
    expect(body.issues.map((issue) => issue.setting)).toEqual(["storeSize"]);
  });

  it("rejects listening beyond loopback", async () => {
    const reply = await postJson(`${harness.baseUrl}/tokentap/api/settings`, {
      listen: "0.0.0.0:4321",
    });

    expect(reply.status).toBe(403);
    expect((reply.json() as { error: string }).error).toContain(
      "beyond loopback",
    );
    expect(harness.tokentap.currentSettings().listen).toBe("127.0.0.1:0");
  });

  it("rejects turning prompt capture on", async () => {
    const reply = await postJson(`${harness.baseUrl}/tokentap/api/settings`, {
      capturePrompts: true,
    });

    expect(reply.status).toBe(403);
    expect(harness.tokentap.currentSettings().capturePrompts).toBe(false);
  });

  it("rejects another page's origin", async () => {
    const reply = await postJson(
      `${harness.baseUrl}/tokentap/api/settings`,
      { storeSize: 50 },
      { origin: "http://localhost:3000" },
    );

    expect(reply.status).toBe(403);
  });
});
