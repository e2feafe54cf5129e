import { describe, expect, it } from "vitest";

import {
  formatRecordLine,
  parseRecordLine,
  RECORD_FIELDS,
} from "../../../main/core/history/record-line.js";
import type { RequestRecord } from "../../../main/core/record.js";
import { makeErrorRecord, makeRecord } from "../store/make-record.js";

describe("formatRecordLine", () => {
  it("writes every record field", () => {
    const record = makeRecord();

    const written = JSON.parse(formatRecordLine(record)) as object;

    expect(written).toEqual(record);
  });

  it("leaves out properties outside RequestRecord", () => {
    const record = {
      ...makeRecord(),
      prompt: "secret prompt",
      completion: "secret completion",
    };

    const line = formatRecordLine(record);

    expect(line).not.toContain("secret");
    expect(Object.keys(JSON.parse(line) as object)).toEqual(RECORD_FIELDS);
  });
});

describe("parseRecordLine", () => {
  it("reads back a formatted record", () => {
    const record = makeRecord();

    expect(parseRecordLine(formatRecordLine(record))).toEqual(record);
  });

  it("accepts null in every nullable field", () => {
    const record = makeErrorRecord({ model: null, status: null, loadMs: null });

    expect(parseRecordLine(formatRecordLine(record))).toEqual(record);
  });

  it("drops unknown properties", () => {
    const line = JSON.stringify({ ...makeRecord(), extra: 1 });

    const parsed = parseRecordLine(line);

    expect(parsed).not.toBeNull();
    expect(parsed).not.toHaveProperty("extra");
  });

  it.each([
    ["invalid JSON", "{not json"],
    ["an array", "[1, 2, 3]"],
    ["a number", "42"],
    ["a string", '"text"'],
    ["null", "null"],
    ["a foreign object", '{"hello":"world"}'],
  ])("rejects %s", (_name, line) => {
    expect(parseRecordLine(line)).toBeNull();
  });

  const wrongValues: [keyof RequestRecord, unknown][] = [
    ["id", 7],
    ["startedAt", "yesterday"],
    ["endedAt", null],
    ["method", null],
    ["path", 1],
    ["api", "grpc"],
    ["endpoint", false],
    ["upstream", null],
    ["model", 3],
    ["status", "200"],
    ["status", 200.5],
    ["outcome", "fine"],
    ["error", {}],
    ["streamed", "true"],
    ["promptTokens", "10"],
    ["outputTokens", []],
    ["estimated", null],
    ["tokensPerSecond", "fast"],
    ["rateSource", "guess"],
    ["ttftMs", true],
    ["totalMs", "500"],
    ["loadMs", {}],
    ["promptEvalMs", "20"],
    ["evalMs", false],
    ["doneReason", 1],
  ];

  it.each(wrongValues)("rejects %s set to %j", (field, value) => {
    const line = JSON.stringify({ ...makeRecord(), [field]: value });

    expect(parseRecordLine(line)).toBeNull();
  });

  it.each(RECORD_FIELDS.map((field) => [field]))(
    "rejects a record without %s",
    (field) => {
      const fields: Record<string, unknown> = { ...makeRecord() };
      delete fields[field];

      expect(parseRecordLine(JSON.stringify(fields))).toBeNull();
    },
  );
});
