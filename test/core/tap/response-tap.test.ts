import { describe, expect, it } from "vitest";
import { matchEndpoint } from "../../../main/core/tap/endpoints.js";
import { createResponseTap } from "../../../main/core/tap/response-tap.js";
import type {
  Endpoint,
  ResponseFacts,
  ResponseTap,
} from "../../../main/core/tap/types.js";
import { WIRE_FIXTURES, readWireFixture } from "./wire-fixtures.js";
import type { WireFixture } from "./wire-fixtures.js";

/** Bound on what a tap may retain between chunks, whatever the body. */
const MAX_RETAINED_BYTES = 32 * 1024;

function endpointOf(fixture: WireFixture): Endpoint {
  const endpoint = matchEndpoint(fixture.method, fixture.path);
  if (endpoint === null) throw new Error(`no endpoint for ${fixture.path}`);
  return endpoint;
}

function feed(tap: ResponseTap, chunks: readonly Buffer[]): ResponseFacts {
  chunks.forEach((chunk, i) => tap.push(chunk, i));
  return tap.finish();
}

function splitEvery(body: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let i = 0; i < body.length; i += size)
    chunks.push(body.subarray(i, i + size));
  return chunks;
}

/**
 * Returns the offset of the byte that completes each NDJSON line or SSE
 * event with data: a line's closing brace, an event's blank line.
 */
function completionOffsets(fixture: WireFixture, body: Buffer): number[] {
  const text = body.toString("latin1");
  const offsets: number[] = [];

  if (fixture.contentType !== "text/event-stream") {
    let lineStart = 0;
    for (const line of text.split("\n")) {
      if (line.trim() !== "")
        offsets.push(lineStart + line.trimEnd().length - 1);
      lineStart += line.length + 1;
    }
    return offsets;
  }

  let hasData = false;
  let lineStart = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith("data:")) hasData = true;
    if (line === "" && hasData) {
      offsets.push(lineStart);
      hasData = false;
    }
    lineStart += line.length + 1;
  }
  return offsets;
}

/** Returns which of two chunks, cut at `split`, contains the byte at `offset`. */
function chunkIndexOf(offset: number | null, split: number): number | null {
  if (offset === null) return null;
  return offset < split ? 0 : 1;
}

function expectFacts(actual: ResponseFacts, fixture: WireFixture): void {
  for (const [field, expected] of Object.entries(fixture.expected)) {
    const value = actual[field as keyof ResponseFacts];
    if (typeof expected !== "number" || typeof value !== "number") {
      expect(value, field).toBe(expected);
      continue;
    }

    const tolerance =
      field === "serverTokensPerSecond" && fixture.rateTolerance !== undefined
        ? fixture.rateTolerance
        : Math.abs(expected) * 1e-9;
    const within = Math.abs(value - expected) <= tolerance;
    expect(
      within,
      `${field} is ${value}, expected ${expected} within ${tolerance}`,
    ).toBe(true);
  }
}

function withoutArrival(
  facts: ResponseFacts,
): Omit<ResponseFacts, "firstTokenAtMs" | "lastTokenAtMs"> {
  const { firstTokenAtMs: _first, lastTokenAtMs: _last, ...rest } = facts;
  return rest;
}

describe("createResponseTap", () => {
  describe.each(
    WIRE_FIXTURES.map((fixture) => [fixture.file, fixture] as const),
  )("%s", (_file, fixture) => {
    const body = readWireFixture(fixture.file);
    const offsets = completionOffsets(fixture, body);
    const firstOffset =
      fixture.firstTextIndex === null ? null : offsets[fixture.firstTextIndex]!;
    const lastOffset =
      fixture.lastTextIndex === null ? null : offsets[fixture.lastTextIndex]!;
    const readWhole = () =>
      feed(
        createResponseTap(endpointOf(fixture), {
          contentType: fixture.contentType,
        }),
        [body],
      );

    it("reads the expected facts from the whole body", () => {
      const facts = readWhole();

      expectFacts(facts, fixture);
      expect(facts.firstTokenAtMs).toBe(
        fixture.firstTextIndex === null ? null : 0,
      );
      expect(facts.lastTokenAtMs).toBe(
        fixture.lastTextIndex === null ? null : 0,
      );
    });

    it("reads the same facts from a whole body with its length", () => {
      const tap = createResponseTap(endpointOf(fixture), {
        contentType: fixture.contentType,
        contentLength: body.length,
      });

      expect(feed(tap, [body])).toEqual(readWhole());
    });

    it("reads the same facts split at every byte", () => {
      const whole = withoutArrival(readWhole());

      for (let split = 1; split < body.length; split++) {
        const tap = createResponseTap(endpointOf(fixture), {
          contentType: fixture.contentType,
        });
        const facts = feed(tap, [
          body.subarray(0, split),
          body.subarray(split),
        ]);

        expect(withoutArrival(facts), `split at ${split}`).toEqual(whole);
        expect(facts.firstTokenAtMs, `first token, split at ${split}`).toBe(
          chunkIndexOf(firstOffset, split),
        );
        expect(facts.lastTokenAtMs, `last token, split at ${split}`).toBe(
          chunkIndexOf(lastOffset, split),
        );
      }
    });

    it("reads the same facts fed byte by byte", () => {
      const tap = createResponseTap(endpointOf(fixture), {
        contentType: fixture.contentType,
      });
      const facts = feed(tap, splitEvery(body, 1));

      expect(withoutArrival(facts)).toEqual(withoutArrival(readWhole()));
      expect(facts.firstTokenAtMs).toBe(firstOffset);
      expect(facts.lastTokenAtMs).toBe(lastOffset);
    });

    it("reads the same facts without a content type", () => {
      const tap = createResponseTap(endpointOf(fixture), { contentType: null });
      tap.push(body, 0);
      // Without the NDJSON label, a one-line Ollama stream looks like a single body.
      const oneLine =
        fixture.contentType === "application/x-ndjson" && offsets.length === 1;
      const streamed = fixture.expected.streamed && !oneLine;

      expect(withoutArrival(tap.finish())).toEqual({
        ...withoutArrival(readWhole()),
        streamed,
      });
    });
  });

  it("keeps retained bytes bounded while reading a fixture", () => {
    for (const fixture of WIRE_FIXTURES) {
      const tap = createResponseTap(endpointOf(fixture), {
        contentType: fixture.contentType,
      });
      for (const chunk of splitEvery(readWireFixture(fixture.file), 7)) {
        tap.push(chunk, 0);
        expect(tap.retainedBytes(), fixture.file).toBeLessThan(
          MAX_RETAINED_BYTES,
        );
      }
    }
  });

  it("returns the same facts when finished twice", () => {
    const fixture = WIRE_FIXTURES[0]!;
    const tap = createResponseTap(endpointOf(fixture), {
      contentType: fixture.contentType,
    });
    tap.push(readWireFixture(fixture.file), 3);

    expect(tap.finish()).toEqual(tap.finish());
  });

  it("ignores chunks pushed after finish", () => {
    const fixture = WIRE_FIXTURES[0]!;
    const tap = createResponseTap(endpointOf(fixture), {
      contentType: fixture.contentType,
    });
    const facts = tap.finish();
    tap.push(readWireFixture(fixture.file), 3);

    expect(tap.finish()).toEqual(facts);
  });

  it("reads an empty body as no facts", () => {
    const tap = createResponseTap(
      matchEndpoint("POST", "/v1/chat/completions")!,
      {
        contentType: "application/json",
      },
    );
    const facts = tap.finish();

    expect(facts.model).toBeNull();
    expect(facts.outputTokens).toBeNull();
    expect(facts.tokenChunks).toBe(0);
  });

  it("survives random bytes on every endpoint", () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    const alphabet = Buffer.from(
      '{}[]":,\\\n\r 0123456789truefalsenul data:event:\u00e9',
    );
    const body = Buffer.alloc(20_000, 0);
    for (let i = 0; i < body.length; i++)
      body[i] = alphabet[random() % alphabet.length]!;

    for (const fixture of WIRE_FIXTURES) {
      for (const contentType of [fixture.contentType, null]) {
        const tap = createResponseTap(endpointOf(fixture), { contentType });
        expect(() => feed(tap, splitEvery(body, 13))).not.toThrow();
      }
    }
  });

  describe("large bodies", () => {
    const CHUNK_BYTES = 64 * 1024;
    const MB = 1024 * 1024;
    const generate = matchEndpoint("POST", "/api/generate")!;

    // JSON-escaped text with quotes, backslashes, newlines and multi-byte UTF-8.
    const TEXT = Buffer.from(
      'Rayleigh \\"scattering\\" \\\\ bends blue light \\u00e9 — é 🌍\\n',
    );

    const COUNTERS =
      '"total_duration":1843000000,"load_duration":512000000,"prompt_eval_count":26,' +
      '"prompt_eval_duration":131000000';

    /** Builds a non-streaming `/api/generate` body of about `totalBytes`, most of it one string. */
    function hugeGenerateBody(
      totalBytes: number,
      contextBytes: number,
      evalCounts: string,
    ): Buffer {
      const head = Buffer.from(
        '{"model":"llama3.2:3b","created_at":"2026-11-20T09:15:03.1Z","response":"',
      );
      const middle = Buffer.from(
        '","done":true,"done_reason":"stop","context":[',
      );
      const tail = Buffer.from(`1],${COUNTERS}${evalCounts}}`);
      // A whole number of "128006," entries, so the array ends in a valid number.
      const entry = "128006,";
      const context = Buffer.alloc(
        Math.floor(contextBytes / entry.length) * entry.length,
        entry,
      );
      const textBytes =
        totalBytes - head.length - middle.length - context.length - tail.length;
      const text = Buffer.alloc(
        Math.floor(textBytes / TEXT.length) * TEXT.length,
        TEXT,
      );
      return Buffer.concat([head, text, middle, context, tail]);
    }

    function readChunked(
      tap: ResponseTap,
      body: Buffer,
    ): { facts: ResponseFacts; maxRetained: number } {
      let maxRetained = 0;
      let index = 0;
      for (let i = 0; i < body.length; i += CHUNK_BYTES) {
        tap.push(body.subarray(i, i + CHUNK_BYTES), index++);
        maxRetained = Math.max(maxRetained, tap.retainedBytes());
      }
      return { facts: tap.finish(), maxRetained };
    }

    it.each([5, 20])(
      "reads Ollama counters after a %i MB response string",
      (sizeMb) => {
        const body = hugeGenerateBody(
          sizeMb * MB,
          MB,
          ',"eval_count":300,"eval_duration":6000000000',
        );
        const tap = createResponseTap(generate, {
          contentType: "application/json; charset=utf-8",
        });
        const { facts, maxRetained } = readChunked(tap, body);

        expect(body.length).toBeGreaterThan((sizeMb - 0.01) * MB);
        expect(maxRetained).toBeLessThan(MAX_RETAINED_BYTES);
        expect(facts.model).toBe("llama3.2:3b");
        expect(facts.promptTokens).toBe(26);
        expect(facts.outputTokens).toBe(300);
        expect(facts.estimated).toBe(false);
        expect(facts.serverTokensPerSecond).toBe(50);
        expect(facts.serverTotalMs).toBe(1843);
        expect(facts.loadMs).toBe(512);
        expect(facts.promptEvalMs).toBe(131);
        expect(facts.evalMs).toBe(6000);
        expect(facts.doneReason).toBe("stop");
        expect(facts.streamed).toBe(false);
        expect(facts.tokenChunks).toBe(1);
      },
    );

    it("estimates output from the size of a huge response without counts", () => {
      const body = hugeGenerateBody(5 * MB, MB, "");
      const tap = createResponseTap(generate, {
        contentType: "application/json",
      });
      const { facts } = readChunked(tap, body);
      const textBytes =
        body.indexOf('","done"') -
        body.indexOf(':"', body.indexOf("response")) -
        2;

      expect(facts.estimated).toBe(true);
      expect(Math.abs(facts.outputTokens! - textBytes / 4)).toBeLessThan(2);
      expect(facts.promptTokens).toBe(26);
    });

    it("reads a 20 MB streamed NDJSON body", () => {
      const line =
        '{"model":"llama3.2:3b","created_at":"2026-11-20T09:15:03.100000Z","response":" t\\u00e9 é","done":false}\n';
      const lines = Math.ceil((20 * MB) / Buffer.byteLength(line));
      const done =
        '{"model":"llama3.2:3b","created_at":"2026-11-20T09:15:09.000000Z","response":"","done":true,' +
        `"done_reason":"stop",${COUNTERS},"eval_count":${lines},"eval_duration":4000000000}\n`;
      const body = Buffer.from(line.repeat(lines) + done);
      const lastTextOffset = body.length - Buffer.byteLength(done) - 2;

      const tap = createResponseTap(generate, {
        contentType: "application/x-ndjson",
      });
      const { facts, maxRetained } = readChunked(tap, body);

      expect(maxRetained).toBeLessThan(MAX_RETAINED_BYTES);
      expect(facts.streamed).toBe(true);
      expect(facts.tokenChunks).toBe(lines);
      expect(facts.outputTokens).toBe(lines);
      expect(facts.serverTokensPerSecond).toBeCloseTo(lines / 4, 9);
      expect(facts.firstTokenAtMs).toBe(0);
      expect(facts.lastTokenAtMs).toBe(
        Math.floor(lastTextOffset / CHUNK_BYTES),
      );
    });

    it("reads later lines after invalid ones and a line longer than any cap", () => {
      const huge = "x".repeat(2 * MB);
      const body = Buffer.from(
        [
          '{"model":"llama3.2:3b","response":"One","done":false}',
          "this is not JSON",
          `{"model":"llama3.2:3b","response":"${huge}","done":false}`,
          `{"model":"llama3.2:3b","response":"${huge}`,
          "[DONE]",
          "null",
          '{"model":"llama3.2:3b","response":"","done":true,"prompt_eval_count":3,"eval_count":4,"eval_duration":1000000000}',
          "",
        ].join("\n"),
      );
      const tap = createResponseTap(generate, {
        contentType: "application/x-ndjson",
      });
      const { facts, maxRetained } = readChunked(tap, body);

      expect(maxRetained).toBeLessThan(MAX_RETAINED_BYTES);
      expect(facts.tokenChunks).toBe(2);
      expect(facts.promptTokens).toBe(3);
      expect(facts.outputTokens).toBe(4);
      expect(facts.serverTokensPerSecond).toBe(4);
    });
  });
});
