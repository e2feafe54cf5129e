import { describe, expect, it } from "vitest";
import { ByteCapture } from "../../../main/core/tap/byte-capture.js";

function text(capture: ByteCapture): string {
  return capture.bytes.toString("utf8", capture.start, capture.stop);
}

describe("ByteCapture", () => {
  it("reads a range inside one chunk", () => {
    const capture = new ByteCapture(16);
    const chunk = Buffer.from("abcdef");
    capture.begin(1, 16);

    expect(capture.end(chunk, 4)).toBe(true);
    expect(text(capture)).toBe("bcd");
  });

  it("joins a range across chunks", () => {
    const capture = new ByteCapture(16);
    // "é" is two bytes, cut between the first and second chunk.
    const body = Buffer.from("xxé!yy");
    const chunks = [body.subarray(0, 3), body.subarray(3, 4), body.subarray(4)];
    capture.begin(2, 16);
    capture.carry(chunks[0]!, chunks[0]!.length);
    capture.carry(chunks[1]!, chunks[1]!.length);

    expect(capture.end(chunks[2]!, 1)).toBe(true);
    expect(text(capture)).toBe("é!");
  });

  it("fails a range over its limit", () => {
    const capture = new ByteCapture(16);
    capture.begin(0, 3);

    expect(capture.end(Buffer.from("abcd"), 4)).toBe(false);
  });

  it("fails a range over its limit across chunks", () => {
    const capture = new ByteCapture(4);
    capture.begin(0, 4);
    capture.carry(Buffer.from("abc"), 3);

    expect(capture.end(Buffer.from("de"), 2)).toBe(false);
    expect(capture.length()).toBe(0);
  });

  it("counts the bytes held for an open range", () => {
    const capture = new ByteCapture(16);
    capture.begin(1, 16);
    capture.carry(Buffer.from("abcd"), 4);

    expect(capture.length()).toBe(3);
  });
});
