import { describe, expect, it } from "vitest";
import { SseReader } from "../../../main/core/tap/sse-reader.js";
import type { SseEvent } from "../../../main/core/tap/sse-reader.js";

function read(chunks: readonly (string | Buffer)[]): SseEvent[] {
  const events: SseEvent[] = [];
  const reader = new SseReader({ onEvent: (event) => events.push(event) });
  for (const chunk of chunks)
    reader.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  reader.end();
  return events;
}

function objectEvent(type: string, members: Record<string, unknown>): SseEvent {
  return {
    type,
    result: { kind: "object", members, dropped: [] },
    done: false,
  };
}

/** Returns every way to cut `text` in two. */
function splits(text: string): Buffer[][] {
  const body = Buffer.from(text);
  const cuts: Buffer[][] = [];
  for (let i = 1; i < body.length; i++)
    cuts.push([body.subarray(0, i), body.subarray(i)]);
  return cuts;
}

describe("SseReader", () => {
  it("dispatches an event at a blank line", () => {
    expect(read(['data: {"a":1}\n\n'])).toEqual([
      objectEvent("message", { a: 1 }),
    ]);
  });

  it("reads the event type", () => {
    expect(read(['event: message_start\ndata: {"a":1}\n\n'])).toEqual([
      objectEvent("message_start", { a: 1 }),
    ]);
  });

  it("drops only one space after the colon", () => {
    expect(read(['data:{"a":1}\n\n', 'data:  {"b":2}\n\n'])).toEqual([
      objectEvent("message", { a: 1 }),
      objectEvent("message", { b: 2 }),
    ]);
  });

  it("joins data lines with a line feed", () => {
    expect(read(['data: {"a":\ndata: 1,\ndata: "b":2}\n\n'])).toEqual([
      objectEvent("message", { a: 1, b: 2 }),
    ]);
  });

  it("ignores comment lines", () => {
    expect(read([': keep-alive\n\n: ping\ndata: {"a":1}\n\n'])).toEqual([
      objectEvent("message", { a: 1 }),
    ]);
  });

  it("ignores id and retry fields", () => {
    expect(read(['id: 7\nretry: 1000\ndata: {"a":1}\n\n'])).toEqual([
      objectEvent("message", { a: 1 }),
    ]);
  });

  it("ends lines at CR, LF and CRLF", () => {
    const events = read([
      'data: {"a":1}\r\rdata: {"b":2}\r\n\r\ndata: {"c":3}\n\n',
    ]);

    expect(events).toEqual([
      objectEvent("message", { a: 1 }),
      objectEvent("message", { b: 2 }),
      objectEvent("message", { c: 3 }),
    ]);
  });

  it("reads a CRLF split across chunks as one line end", () => {
    const events = read([
      "event: delta\r",
      '\ndata: {"a":\r',
      "\ndata: 1}\r",
      "\n\r",
      "\n",
    ]);

    expect(events).toEqual([objectEvent("delta", { a: 1 })]);
  });

  it("reads a data field split across chunks", () => {
    const events = read(["da", "ta", ": ", '{"a"', ":1}", "\n", "\n"]);

    expect(events).toEqual([objectEvent("message", { a: 1 })]);
  });

  it("reads the same events split at every byte", () => {
    const text =
      'event: delta\r\ndata: {"text":"é🌍"}\r\n\r\n: keep-alive\n\ndata: [DONE]\r\rdata\n\n';
    const whole = read([text]);

    expect(whole).toHaveLength(3);
    for (const chunks of splits(text)) {
      expect(read(chunks), `split at ${chunks[0]!.length}`).toEqual(whole);
    }
  });

  it("recognises [DONE]", () => {
    expect(read(["data: [DONE]\n\n"])).toEqual([
      {
        type: "message",
        result: { kind: "invalid", reason: "syntax" },
        done: true,
      },
    ]);
  });

  it("does not take a longer value for [DONE]", () => {
    expect(read(["data: [DONE]x\n\n"])[0]!.done).toBe(false);
  });

  it("tolerates data: null", () => {
    expect(read(["data: null\n\n"])).toEqual([
      {
        type: "message",
        result: { kind: "invalid", reason: "not-object" },
        done: false,
      },
    ]);
  });

  it("dispatches an empty data field with no value", () => {
    expect(read(["data\n\n"])).toEqual([
      { type: "message", result: null, done: false },
    ]);
  });

  it("dispatches nothing for an event without data", () => {
    expect(read(["event: ping\n\n"])).toEqual([]);
  });

  it("discards an event cut off by the end", () => {
    expect(read(['data: {"a":1}\n'])).toEqual([]);
  });

  it("skips a byte order mark at the start", () => {
    expect(read(['\uFEFFdata: {"a":1}\n\n'])).toEqual([
      objectEvent("message", { a: 1 }),
    ]);
  });

  it("keeps only the first value of the data", () => {
    expect(read(['data: {"a":1} {"b":2}\n\n'])).toEqual([
      objectEvent("message", { a: 1 }),
    ]);
  });

  it("caps a long event type", () => {
    const events = read([`event: ${"e".repeat(10_000)}\ndata: {}\n\n`]);

    expect(events[0]!.type).toBe("");
  });

  it("retains a bounded number of bytes through a 20 MB data line", () => {
    const events: SseEvent[] = [];
    const reader = new SseReader({ onEvent: (event) => events.push(event) });
    const chunk = Buffer.alloc(64 * 1024, "text ");
    let maxRetained = 0;

    reader.push(Buffer.from('event: big\ndata: {"usage":{"total":3},"text":"'));
    for (let i = 0; i < 320; i++) {
      reader.push(chunk);
      maxRetained = Math.max(maxRetained, reader.retainedBytes());
    }
    reader.push(Buffer.from('"}\n\n'));

    expect(maxRetained).toBeLessThan(32 * 1024);
    expect(events).toEqual([
      {
        type: "big",
        result: {
          kind: "object",
          members: { usage: { total: 3 } },
          dropped: [{ path: ["text"], bytes: 320 * 64 * 1024 + 2 }],
        },
        done: false,
      },
    ]);
  });
});
