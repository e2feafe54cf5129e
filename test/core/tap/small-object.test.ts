import { readdirSync } from "node:fs";

import { describe, expect, it } from "vitest";

import {
  JsonScanner,
  type ScanMode,
  type ScanResult,
} from "../../../main/core/tap/json-scanner.js";
import { readSmallObject } from "../../../main/core/tap/small-object.js";
import { seededRandom } from "../../../bench/core/seeded-random.js";
import { readWireFixture } from "./wire-fixtures.js";

function scanned(
  body: Buffer,
  mode: ScanMode,
  select?: ReadonlySet<string>,
): ScanResult[] {
  const results: ScanResult[] = [];
  const scanner = new JsonScanner({
    mode,
    select,
    onResult: (result) => results.push(result),
  });
  scanner.push(body);
  scanner.end();
  return results;
}

const SELECT = new Set(["model", "message", "stream", "usage", "2"]);

/** Bodies on which reading whole must match the scanner exactly. */
const BODIES: readonly string[] = [
  '{"model":"m","stream":false}',
  '{"model":"m","message":{"role":"assistant","content":"hi"},"done":true}',
  '{"message":{"__proto__":{"x":1},"content":"c"},"__proto__":2,"model":"m"}',
  '{"model":"first","model":"second"}',
  '{"message":{"role":"a"},"message":"flat"}',
  '{"usage":{"prompt_tokens":3,"nested":{"deep":[1,{"x":null}]}}}',
  '{"mod\\u0065l":"escaped key","stream":true}',
  '{"b":1,"2":"index-like key","model":"m"}',
  '{ "model" : "spaced" ,\r\n "stream" : true }',
  '{"model":"caf\\u00e9 \\ud83c\\udf0d","stream":1e400}',
  "{}",
];

describe("readSmallObject", () => {
  it.each(BODIES)("matches the scanner in document mode: %s", (text) => {
    const body = Buffer.from(text);

    expect([readSmallObject(body, { select: SELECT, lines: false })]).toEqual(
      scanned(body, "document", SELECT),
    );
  });

  it.each(BODIES.filter((text) => !text.includes("\n")))(
    "matches the scanner in lines mode: %s",
    (text) => {
      const body = Buffer.from(`${text}\n`);

      expect([readSmallObject(body, { select: SELECT, lines: true })]).toEqual(
        scanned(body, "lines", SELECT),
      );
    },
  );

  it("matches the scanner on recorded bodies", () => {
    const files = readdirSync(
      new URL("../../data/wire/", import.meta.url),
    ).filter((file) => file.endsWith(".json"));

    for (const file of files) {
      const body = readWireFixture(file);
      expect([readSmallObject(body, { lines: false })], file).toEqual(
        scanned(body, "document"),
      );
    }
  });

  it("keeps every member when nothing is selected", () => {
    const object = readSmallObject(Buffer.from('{"a":1,"b":[2]}'), {
      lines: false,
    });

    expect(object?.members).toEqual({ a: 1, b: [2] });
  });

  it.each([
    ["invalid JSON", '{"model":"m",}'],
    ["a value that is no object", '["model"]'],
    ["two values", '{"a":1} {"b":2}'],
    ["a byte order mark", '\ufeff{"a":1}'],
    ["a long top-level key", `{"${"k".repeat(43)}":1}`],
    [
      "a long key inside an object member",
      `{"message":{"${"k".repeat(43)}":1}}`,
    ],
  ])("leaves %s to the scanner", (_case, text) => {
    expect(readSmallObject(Buffer.from(text), { lines: false })).toBeNull();
  });

  it("matches the scanner at its depth limit", () => {
    const body = Buffer.from(
      `{"model":"m","usage":${"[".repeat(511)}1${"]".repeat(511)}}`,
    );

    expect([readSmallObject(body, { select: SELECT, lines: false })]).toEqual(
      scanned(body, "document", SELECT),
    );
  });

  it("leaves nesting past the scanner's limit to the scanner", () => {
    const body = Buffer.from(
      `{"model":"m","other":${"[".repeat(512)}1${"]".repeat(512)}}`,
    );

    expect(readSmallObject(body, { select: SELECT, lines: false })).toBeNull();
  });

  it("leaves a line feed to the scanner in lines mode", () => {
    const body = Buffer.from('{"model":\n"m"}');

    expect(readSmallObject(body, { lines: true })).toBeNull();
  });

  it("reads a line feed in document mode", () => {
    const body = Buffer.from('{"model":\n"m"}');

    expect(readSmallObject(body, { lines: false })?.members).toEqual({
      model: "m",
    });
  });

  it("leaves a second line to the scanner in lines mode", () => {
    const body = Buffer.from('{"a":1}\n{"a":2}\n');

    expect(readSmallObject(body, { lines: true })).toBeNull();
  });

  it("ignores a top-level __proto__ object", () => {
    const object = readSmallObject(
      Buffer.from('{"__proto__":{"polluted":true},"model":"m"}'),
      { lines: false },
    );

    expect(Object.getPrototypeOf(object?.members)).toBe(Object.prototype);
  });

  it("gives an object member no prototype key", () => {
    const object = readSmallObject(
      Buffer.from('{"message":{"__proto__":{"polluted":true}}}'),
      { lines: false },
    );
    const message = object?.members["message"] as Record<string, unknown>;

    expect(Object.hasOwn(message, "__proto__")).toBe(false);
  });

  it("matches the scanner on generated objects", () => {
    const random = seededRandom(20261204);
    const keys = [
      "model",
      "message",
      "stream",
      "usage",
      "2",
      "__proto__",
      "é",
      'k"q',
      "",
      "x".repeat(50),
    ];
    const value = (depth: number): unknown => {
      const pick = Math.floor(random() * (depth > 2 ? 5 : 7));
      if (pick === 0) return Math.floor(random() * 2e9) - 1e9;
      if (pick === 1) return random() * 1e6;
      if (pick === 2) return random() < 0.5;
      if (pick === 3) return null;
      if (pick === 4)
        return 'tëxt "quoted" \\ \u0001 🌍'.slice(0, Math.floor(random() * 20));
      if (pick === 5) return [value(depth + 1), value(depth + 1)];
      const object: Record<string, unknown> = {};
      for (let i = Math.floor(random() * 4); i > 0; i--)
        object[keys[Math.floor(random() * keys.length)]!] = value(depth + 1);
      return object;
    };

    let compared = 0;
    for (let i = 0; i < 500; i++) {
      const members = Array.from({ length: Math.floor(random() * 6) }, () => {
        const key = JSON.stringify(keys[Math.floor(random() * keys.length)]);
        return `${key}${random() < 0.2 ? " : " : ":"}${JSON.stringify(value(0))}`;
      });
      const body = Buffer.from(
        `{${members.join(random() < 0.2 ? ", " : ",")}}`,
      );
      if (body.length > 4096) continue;

      const whole = readSmallObject(body, { select: SELECT, lines: false });
      if (whole === null) continue;
      compared++;
      expect([whole], body.toString()).toEqual(
        scanned(body, "document", SELECT),
      );
    }
    // Bodies with a long key are left to the scanner, and most bodies have none.
    expect(compared).toBeGreaterThan(250);
  });
});
