import { describe, expect, it } from "vitest";
import {
  FactsBuilder,
  droppedBytesAt,
  isZeroUsage,
  readCount,
} from "../../../main/core/tap/facts-builder.js";

describe("FactsBuilder", () => {
  it("counts text chunks as tokens for a stream", () => {
    const builder = new FactsBuilder();
    builder.markText(5, 3);
    builder.markText(9, 1);
    const facts = builder.finish(true, true);

    expect(facts.outputTokens).toBe(2);
    expect(facts.estimated).toBe(true);
    expect(facts.firstTokenAtMs).toBe(5);
    expect(facts.lastTokenAtMs).toBe(9);
  });

  it("estimates a single body at four bytes a token", () => {
    const builder = new FactsBuilder();
    builder.markText(0, 401);

    expect(builder.finish(false, true).outputTokens).toBe(100);
  });

  it("keeps a reported output count", () => {
    const builder = new FactsBuilder();
    builder.markText(0, 400);
    builder.facts.outputTokens = 7;
    const facts = builder.finish(false, true);

    expect(facts.outputTokens).toBe(7);
    expect(facts.estimated).toBe(false);
  });

  it("ignores chunks without text", () => {
    const builder = new FactsBuilder();
    builder.markText(3, 0);
    const facts = builder.finish(true, true);

    expect(facts.tokenChunks).toBe(0);
    expect(facts.firstTokenAtMs).toBeNull();
    expect(facts.outputTokens).toBeNull();
  });

  it("gives no output where the endpoint has none", () => {
    const builder = new FactsBuilder();
    builder.facts.outputTokens = 4;

    expect(builder.finish(false, false).outputTokens).toBeNull();
  });
});

describe("readCount", () => {
  it.each([
    [3, 3],
    [0, 0],
    [-1, null],
    [Number.NaN, null],
    ["3", null],
    [null, null],
  ])("reads %s as %s", (value, expected) => {
    expect(readCount(value)).toBe(expected);
  });
});

describe("isZeroUsage", () => {
  it("finds a block of zeros", () => {
    expect(
      isZeroUsage({
        prompt_tokens: 0,
        completion_tokens: 0,
        details: { cached: 0 },
      }),
    ).toBe(true);
  });

  it("finds a block with counts", () => {
    expect(isZeroUsage({ prompt_tokens: 0, completion_tokens: 2 })).toBe(false);
  });
});

describe("droppedBytesAt", () => {
  it("matches the whole path", () => {
    const dropped = [{ path: ["message", "content"], bytes: 9 }];

    expect(droppedBytesAt(dropped, "message", "content")).toBe(9);
    expect(droppedBytesAt(dropped, "message")).toBe(0);
  });
});
