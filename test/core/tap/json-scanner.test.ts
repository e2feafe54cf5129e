import { describe, expect, it } from "vitest";
import { JsonScanner } from "../../../main/core/tap/json-scanner.js";
import type {
  JsonScannerOptions,
  ScanMode,
  ScanResult,
  ScannedObject,
} from "../../../main/core/tap/json-scanner.js";

type ScanSettings = Partial<Omit<JsonScannerOptions, "onResult">>;

function scan(
  mode: ScanMode,
  chunks: readonly (string | Buffer)[],
  settings: ScanSettings = {},
) {
  const results: ScanResult[] = [];
  const scanner = new JsonScanner({
    mode,
    ...settings,
    onResult: (result) => results.push(result),
  });
  for (const chunk of chunks)
    scanner.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  scanner.end();
  return results;
}

function scanObject(
  text: string | Buffer,
  settings: ScanSettings = {},
): ScannedObject {
  const results = scan("document", [text], settings);
  expect(results).toHaveLength(1);
  const result = results[0]!;
  if (result.kind !== "object")
    throw new Error(`expected an object, got ${result.reason}`);
  return result;
}

/** Returns every way to cut `body` in two. */
function splits(body: Buffer): Buffer[][] {
  const cuts: Buffer[][] = [];
  for (let i = 1; i < body.length; i++)
    cuts.push([body.subarray(0, i), body.subarray(i)]);
  return cuts;
}

describe("JsonScanner", () => {
  it("keeps small members parsed", () => {
    const object = scanObject(
      '{"a":1,"b":"two","c":[3,{"d":null}],"e":true,"f":-1.5e3}',
    );

    expect(object.members).toEqual({
      a: 1,
      b: "two",
      c: [3, { d: null }],
      e: true,
      f: -1500,
    });
    expect(object.dropped).toEqual([]);
  });

  it("drops a member larger than the value cap with its size", () => {
    const long = "x".repeat(5000);
    const object = scanObject(`{"model":"m","response":"${long}","done":true}`);

    expect(object.members).toEqual({ model: "m", done: true });
    expect(object.dropped).toEqual([
      { path: ["response"], bytes: long.length + 2 },
    ]);
  });

  it("keeps the small members of a large object member", () => {
    const output = JSON.stringify([{ text: "y".repeat(10_000) }]);
    const body = `{"type":"response.completed","response":{"id":"r","output":${output},"usage":{"input_tokens":40,"output_tokens":58}}}`;
    const object = scanObject(body);

    expect(object.members).toEqual({
      type: "response.completed",
      response: { id: "r", usage: { input_tokens: 40, output_tokens: 58 } },
    });
    expect(object.dropped).toEqual([
      { path: ["response", "output"], bytes: output.length },
    ]);
  });

  it("keeps only selected members", () => {
    const object = scanObject(
      '{"prompt":"long text","model":"m","stream":false}',
      {
        select: new Set(["model", "stream"]),
      },
    );

    expect(object.members).toEqual({ model: "m", stream: false });
    expect(object.dropped).toEqual([]);
  });

  it("reads integers as JSON.parse does", () => {
    const text =
      '{"a":0,"b":-0,"c":950000000,"d":-42,"e":123456789012345,"f":1234567890123456789}';

    expect(scanObject(text).members).toEqual(JSON.parse(text));
  });

  it("reads a negative zero as negative", () => {
    expect(Object.is(scanObject('{"a":-0}').members["a"], -0)).toBe(true);
  });

  it.each(["01", "-", "-01", "1-", "00", "tru", "nulls", "falsey"])(
    "rejects the scalar %s",
    (scalar) => {
      expect(scan("document", [`{"a":${scalar}}`])).toEqual([
        { kind: "invalid", reason: "syntax" },
      ]);
    },
  );

  it("matches a selected key written with escapes", () => {
    const object = scanObject('{"mod\\u0065l":"m","other":1}', {
      select: new Set(["model"]),
    });

    expect(object.members).toEqual({ model: "m" });
  });

  it("ignores an unselected key as long as a selected one", () => {
    const object = scanObject('{"modem":"x","model":"m"}', {
      select: new Set(["model"]),
    });

    expect(object.members).toEqual({ model: "m" });
  });

  it("selects keys split across chunks", () => {
    const body = Buffer.from('{"prompt":"p","model":"m","stream":true}');
    const select = new Set(["model", "stream"]);

    for (const chunks of splits(body)) {
      const results = scan("document", chunks, { select });
      expect(results, `split at ${chunks[0]!.length}`).toEqual([
        { kind: "object", members: { model: "m", stream: true }, dropped: [] },
      ]);
    }
  });

  it("reads values nested deeper than 16 levels", () => {
    const deep = `${"[".repeat(40)}1${"]".repeat(40)}`;
    const text = `{"a":${deep},"b":2}`;

    expect(scanObject(text).members).toEqual(JSON.parse(text));
  });

  it("honours a smaller value cap", () => {
    const object = scanObject('{"a":"12345","b":"1234567"}', {
      maxValueBytes: 8,
    });

    expect(object.members).toEqual({ a: "12345" });
    expect(object.dropped).toEqual([{ path: ["b"], bytes: 9 }]);
  });

  it("drops members past the capture budget", () => {
    const members = Array.from(
      { length: 400 },
      (_, i) => `"k${i}":"${"v".repeat(100)}"`,
    );
    const object = scanObject(`{${members.join(",")}}`);
    const keptBytes = Object.entries(object.members).reduce(
      (sum, [key, value]) => sum + key.length + JSON.stringify(value).length,
      0,
    );

    expect(keptBytes).toBeLessThanOrEqual(16_384);
    expect(Object.keys(object.members).length).toBeGreaterThan(100);
    expect(object.dropped).toHaveLength(16);
  });

  it("reports values that are no object as invalid", () => {
    const results = scan("lines", ['[DONE]\nnull\n[1,2]\n"text"\n42\n{}\n']);

    expect(results).toEqual([
      { kind: "invalid", reason: "syntax" },
      { kind: "invalid", reason: "not-object" },
      { kind: "invalid", reason: "not-object" },
      { kind: "invalid", reason: "not-object" },
      { kind: "invalid", reason: "not-object" },
      { kind: "object", members: {}, dropped: [] },
    ]);
  });

  it("reads a top-level number that ends with the input", () => {
    expect(scan("document", ["42"])).toEqual([
      { kind: "invalid", reason: "not-object" },
    ]);
  });

  it("reports syntax errors without throwing", () => {
    for (const text of [
      '{"a":01}',
      '{"a":tru}',
      '{"a" 1}',
      '{"a":1,}',
      "{]",
      '{"a":[1}',
      "}",
    ]) {
      expect(scan("document", [text]), text).toEqual([
        { kind: "invalid", reason: "syntax" },
      ]);
    }
  });

  it("reports a value cut off by the end as unfinished", () => {
    expect(scan("document", ['{"a":"b'])).toEqual([
      { kind: "invalid", reason: "unfinished" },
    ]);
  });

  it("rejects nesting deeper than its limit", () => {
    const deep = "[".repeat(10_000);

    expect(scan("document", [`{"a":${deep}`])).toEqual([
      { kind: "invalid", reason: "syntax" },
    ]);
  });

  it("skips a __proto__ member", () => {
    const object = scanObject(
      '{"__proto__":{"polluted":1},"a":{"__proto__":2,"b":3}}',
    );

    expect(Object.getPrototypeOf(object.members)).toBe(Object.prototype);
    expect(object.members).toEqual({ a: { b: 3 } });
  });

  describe("lines mode", () => {
    it("reads later lines after an invalid one", () => {
      const results = scan("lines", ['{"a":1}\nnot json\n{"b":2}\n']);

      expect(results).toEqual([
        { kind: "object", members: { a: 1 }, dropped: [] },
        { kind: "invalid", reason: "syntax" },
        { kind: "object", members: { b: 2 }, dropped: [] },
      ]);
    });

    it("ends an unfinished value at a line feed", () => {
      const results = scan("lines", ['{"a":[1,\n{"b":2}\n']);

      expect(results).toEqual([
        { kind: "invalid", reason: "unfinished" },
        { kind: "object", members: { b: 2 }, dropped: [] },
      ]);
    });

    it("ends a string at a line feed", () => {
      const results = scan("lines", ['{"a":"broken\n{"b":"x\\\n{"c":3}']);

      expect(results).toEqual([
        { kind: "invalid", reason: "unfinished" },
        { kind: "invalid", reason: "unfinished" },
        { kind: "object", members: { c: 3 }, dropped: [] },
      ]);
    });

    it("skips the rest of a line after an object", () => {
      const results = scan("lines", ['{"a":1} trailing\n{"b":2}\n']);

      expect(results).toEqual([
        { kind: "object", members: { a: 1 }, dropped: [] },
        { kind: "object", members: { b: 2 }, dropped: [] },
      ]);
    });

    it("reports a line with two values once", () => {
      expect(scan("lines", ["1 2\n"])).toEqual([
        { kind: "invalid", reason: "syntax" },
      ]);
    });

    it("reads a last line without a line feed", () => {
      const results = scan("lines", ['{"a":1}\r\n{"b":2}']);

      expect(results).toEqual([
        { kind: "object", members: { a: 1 }, dropped: [] },
        { kind: "object", members: { b: 2 }, dropped: [] },
      ]);
    });

    it("reads a line after one longer than any cap", () => {
      const long = `{"response":"${"x".repeat(3 * 1024 * 1024)}`;
      const results = scan("lines", [long, "\n", '{"b":2}\n']);

      expect(results).toEqual([
        { kind: "invalid", reason: "unfinished" },
        { kind: "object", members: { b: 2 }, dropped: [] },
      ]);
    });
  });

  describe("document mode", () => {
    it("treats line feeds as whitespace", () => {
      const object = scanObject('{\n  "a": 1,\n  "b": [\n    2\n  ]\n}\n');

      expect(object.members).toEqual({ a: 1, b: [2] });
    });

    it("reads several values in a row", () => {
      const results = scan("document", ['{"a":1} {"b":2}{"c":3}']);

      expect(results.map((result) => result.kind)).toEqual([
        "object",
        "object",
        "object",
      ]);
    });

    it("skips the rest of the input after an invalid value", () => {
      const results = scan("document", ['{"a":x} {"b":2}']);

      expect(results).toEqual([{ kind: "invalid", reason: "syntax" }]);
    });

    it("reads again after end", () => {
      const results: ScanResult[] = [];
      const scanner = new JsonScanner({
        mode: "document",
        onResult: (r) => results.push(r),
      });
      scanner.push(Buffer.from("{bad"));
      scanner.end();
      scanner.push(Buffer.from('{"a":1}'));
      scanner.end();

      expect(results).toEqual([
        { kind: "invalid", reason: "syntax" },
        { kind: "object", members: { a: 1 }, dropped: [] },
      ]);
    });
  });

  describe("chunk boundaries", () => {
    const tricky = Buffer.from(
      JSON.stringify({
        'k"ey\\': 'a "quoted" \\ back\\slash\n',
        "é🌍": "naïve 🌍 ünïcödé",
        nested: { inner: 'x\\"y', list: [1, "two", { three: 3 }] },
        number: -12.5e-3,
        flag: false,
      }),
    );
    const whole = scan("document", [tricky]);

    it("matches JSON.parse on the whole input", () => {
      expect(whole).toEqual([
        {
          kind: "object",
          members: JSON.parse(tricky.toString()) as unknown,
          dropped: [],
        },
      ]);
    });

    it("reads the same members split at every byte", () => {
      for (const chunks of splits(tricky)) {
        expect(
          scan("document", chunks),
          `split at ${chunks[0]!.length}`,
        ).toEqual(whole);
      }
    });

    it("reads the same members fed byte by byte", () => {
      const bytes = Array.from(tricky, (byte) => Buffer.from([byte]));

      expect(scan("lines", bytes)).toEqual(whole);
    });

    it("reads an escape whose backslash ends a chunk", () => {
      const results = scan("lines", ['{"a":"x\\', '"y"}\n']);

      expect(results).toEqual([
        { kind: "object", members: { a: 'x"y' }, dropped: [] },
      ]);
    });

    it("reports the size of a dropped member split across chunks", () => {
      const long = "z".repeat(10_000);
      const body = Buffer.from(`{"a":"${long}","b":1}`);
      const results = scan("lines", [
        body.subarray(0, 3000),
        body.subarray(3000, 7000),
        body.subarray(7000),
      ]);

      expect(results).toEqual([
        {
          kind: "object",
          members: { b: 1 },
          dropped: [{ path: ["a"], bytes: long.length + 2 }],
        },
      ]);
    });
  });

  describe("memory", () => {
    it("retains a bounded number of bytes through a 20 MB string", () => {
      const scanner = new JsonScanner({
        mode: "lines",
        onResult: () => undefined,
      });
      const chunk = Buffer.alloc(64 * 1024, 'abc\\"déf ');
      let maxRetained = 0;

      scanner.push(Buffer.from('{"model":"m","response":"'));
      for (let i = 0; i < 320; i++) {
        scanner.push(chunk);
        maxRetained = Math.max(maxRetained, scanner.retainedBytes());
      }

      expect(maxRetained).toBeLessThan(32 * 1024);
    });

    it("retains at most the budget plus one value", () => {
      const scanner = new JsonScanner({
        mode: "lines",
        onResult: () => undefined,
      });
      let maxRetained = 0;

      scanner.push(Buffer.from("{"));
      for (let i = 0; i < 2000; i++) {
        scanner.push(Buffer.from(`"key${i}":"${"v".repeat(i % 5000)}",`));
        maxRetained = Math.max(maxRetained, scanner.retainedBytes());
      }

      expect(maxRetained).toBeLessThanOrEqual(16_384 + 4096);
    });
  });
});
