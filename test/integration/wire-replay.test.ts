import { Agent, request } from "node:http";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { RequestRecord } from "../../main/core/record.js";
import { splitLines, writeInParts } from "../support/fake-upstream.js";
import {
  startProxyHarness,
  type ProxyHarness,
} from "../support/proxy-harness.js";
import {
  readWireFixture,
  WIRE_FIXTURES,
  type WireFixture,
} from "../core/tap/wire-fixtures.js";

/** How the fake upstream cuts the fixture body into writes. */
type Cut =
  | { kind: "whole" }
  | { kind: "lines"; gapMs: number }
  | { kind: "split"; at: number };

const agent = new Agent({ keepAlive: true });

describe("wire fixtures replayed through the proxy", () => {
  let harness: ProxyHarness;
  let cut: Cut = { kind: "whole" };
  let fixture: WireFixture | undefined;

  beforeAll(async () => {
    harness = await startProxyHarness();
    harness.upstream.setHandler(async (_req, res) => {
      const body = readWireFixture(fixture!.file);
      res.writeHead(200, { "content-type": fixture!.contentType });

      if (cut.kind === "whole") {
        res.end(body);
      } else if (cut.kind === "lines") {
        await writeInParts(res, splitLines(body), cut.gapMs);
      } else {
        // A pause between the two writes makes them separate reads at the proxy.
        await writeInParts(
          res,
          [body.subarray(0, cut.at), body.subarray(cut.at)],
          1,
        );
      }
    });
  });

  afterAll(async () => {
    agent.destroy();
    await harness.stop();
  });

  /** Sends the fixture's request and returns the bytes received and the record made. */
  async function replay(
    next: WireFixture,
    nextCut: Cut,
  ): Promise<{ body: Buffer; record: RequestRecord }> {
    fixture = next;
    cut = nextCut;

    const body = await new Promise<Buffer>((resolve, reject) => {
      const req = request(
        `${harness.baseUrl}${next.path}`,
        { method: next.method, agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () => resolve(Buffer.concat(chunks)));
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.setHeader("content-type", "application/json");
      req.end(JSON.stringify(next.request));
    });

    return { body, record: await harness.nextRecord() };
  }

  describe.each(WIRE_FIXTURES.map((entry) => [entry.file, entry] as const))(
    "%s",
    (_file, entry) => {
      const expected = entry.expected;
      const isLoad = expected.doneReason === "load";
      const hasRate =
        !isLoad && expected.error === null && expected.outputTokens !== null;

      /** Checks the fields that do not depend on how the body was cut. */
      function checkRecord(record: RequestRecord): void {
        expect(record.path).toBe(entry.path);
        expect(record.model).toBe(expected.model);
        expect(record.status).toBe(200);
        expect(record.outcome).toBe(expected.error === null ? "ok" : "error");
        expect(record.error).toBe(expected.error);
        expect(record.streamed).toBe(expected.streamed);
        expect(record.promptTokens).toBe(expected.promptTokens);
        expect(record.outputTokens).toBe(expected.outputTokens);
        expect(record.estimated).toBe(expected.estimated);
        expect(record.loadMs).toBe(expected.loadMs);
        expect(record.promptEvalMs).toBe(expected.promptEvalMs);
        expect(record.evalMs).toBe(expected.evalMs);
        expect(record.doneReason).toBe(expected.doneReason);

        if (expected.serverTotalMs !== null)
          expect(record.totalMs).toBeCloseTo(expected.serverTotalMs, 9);
        else expect(record.totalMs).toBeGreaterThanOrEqual(0);

        if (!hasRate) {
          expect(record.tokensPerSecond).toBeNull();
          expect(record.rateSource).toBeNull();
        } else if (expected.serverTokensPerSecond !== null) {
          expect(record.rateSource).toBe("server");
          expect(
            Math.abs(record.tokensPerSecond! - expected.serverTokensPerSecond),
          ).toBeLessThanOrEqual(
            entry.rateTolerance ?? expected.serverTokensPerSecond * 1e-9,
          );
        } else {
          expect(record.tokensPerSecond).toBeGreaterThan(0);
        }

        if (expected.serverTtftMs !== null)
          expect(record.ttftMs).toBeCloseTo(expected.serverTtftMs, 9);
        else if (!expected.streamed || isLoad || entry.firstTextIndex === null)
          expect(record.ttftMs).toBeNull();
        else expect(record.ttftMs).toBeGreaterThanOrEqual(0);
      }

      it("gives its record and the exact bytes when sent whole", async () => {
        const { body, record } = await replay(entry, { kind: "whole" });

        expect(body.equals(readWireFixture(entry.file))).toBe(true);
        checkRecord(record);
      });

      it("measures the stream when lines arrive apart", async () => {
        const gapMs = 20;
        const { body, record } = await replay(entry, { kind: "lines", gapMs });

        expect(body.equals(readWireFixture(entry.file))).toBe(true);
        checkRecord(record);

        const textChunks =
          (entry.lastTextIndex ?? 0) - (entry.firstTextIndex ?? 0);
        if (
          hasRate &&
          expected.serverTokensPerSecond === null &&
          expected.streamed &&
          textChunks > 0
        ) {
          // Text chunks arrive at least gapMs apart, so the measured rate can
          // be no higher than this, and a sane proxy stays well above a fifth of it.
          const ceiling =
            (expected.outputTokens! - 1) / ((textChunks * gapMs) / 1000);
          expect(record.rateSource).toBe("stream");
          expect(record.tokensPerSecond).toBeLessThanOrEqual(ceiling * 1.1);
          expect(record.tokensPerSecond).toBeGreaterThan(ceiling / 5);
        }
      });

      it("gives the same record split at every byte boundary", async () => {
        const whole = readWireFixture(entry.file);

        for (let at = 1; at < whole.length; at += 1) {
          const { body, record } = await replay(entry, { kind: "split", at });

          expect(body.equals(whole), `bytes differ when split at ${at}`).toBe(
            true,
          );
          checkRecord(record);
        }
      }, 120_000);
    },
  );
});
