import { writeFile } from "node:fs/promises";
import path from "node:path";

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { readLines } from "../../../main/core/history/line-reader.js";
import { makeTempFolder, removeFolder } from "./history-fixtures.js";

interface ReadOutcome {
  lines: [string, boolean][];
  oversized: number;
  endsWithNewline: boolean;
}

async function readAll(
  filePath: string,
  maxLineBytes: number,
): Promise<ReadOutcome> {
  const outcome: ReadOutcome = {
    lines: [],
    oversized: 0,
    endsWithNewline: true,
  };
  const result = await readLines(filePath, maxLineBytes, {
    onLine: (text, terminated) => outcome.lines.push([text, terminated]),
    onOversized: () => {
      outcome.oversized += 1;
    },
  });
  outcome.endsWithNewline = result.endsWithNewline;
  return outcome;
}

describe("readLines", () => {
  let folder: string;
  let filePath: string;

  beforeEach(async () => {
    folder = await makeTempFolder();
    filePath = path.join(folder, "lines.txt");
  });

  afterEach(async () => {
    await removeFolder(folder);
  });

  it("yields each line without its newline", async () => {
    await writeFile(filePath, "one\ntwo\n\nthree\n");

    const outcome = await readAll(filePath, 100);

    expect(outcome.lines).toEqual([
      ["one", true],
      ["two", true],
      ["", true],
      ["three", true],
    ]);
    expect(outcome.endsWithNewline).toBe(true);
  });

  it("marks a last line without a newline", async () => {
    await writeFile(filePath, "one\ntw");

    const outcome = await readAll(filePath, 100);

    expect(outcome.lines).toEqual([
      ["one", true],
      ["tw", false],
    ]);
    expect(outcome.endsWithNewline).toBe(false);
  });

  it("reads nothing from an empty file", async () => {
    await writeFile(filePath, "");

    const outcome = await readAll(filePath, 100);

    expect(outcome.lines).toEqual([]);
    expect(outcome.endsWithNewline).toBe(true);
  });

  it("joins a line that spans read chunks", async () => {
    const long = "x".repeat(150 * 1024);
    await writeFile(filePath, `a\n${long}\nb\n`);

    const outcome = await readAll(filePath, 200 * 1024);

    expect(outcome.lines.map(([text]) => text.length)).toEqual([
      1,
      long.length,
      1,
    ]);
    expect(outcome.oversized).toBe(0);
  });

  it("keeps multi-byte characters split between chunks", async () => {
    // 64 KiB minus one byte of ASCII puts the 3-byte euro sign across the first chunk boundary.
    const line = `${"a".repeat(64 * 1024 - 1)}€€€`;
    await writeFile(filePath, `${line}\n`);

    const outcome = await readAll(filePath, 128 * 1024);

    expect(outcome.lines[0]?.[0]).toBe(line);
  });

  it("drops lines over the limit and reads on", async () => {
    const garbage = "g".repeat(3 * 1024 * 1024);
    await writeFile(filePath, `a\n${garbage}\nb\n${"h".repeat(101)}\nc\n`);

    const outcome = await readAll(filePath, 100);

    expect(outcome.lines).toEqual([
      ["a", true],
      ["b", true],
      ["c", true],
    ]);
    expect(outcome.oversized).toBe(2);
  });

  it("counts an oversized last line without a newline", async () => {
    await writeFile(filePath, `a\n${"g".repeat(500)}`);

    const outcome = await readAll(filePath, 100);

    expect(outcome.lines).toEqual([["a", true]]);
    expect(outcome.oversized).toBe(1);
    expect(outcome.endsWithNewline).toBe(false);
  });

  it("rejects with ENOENT for a missing file", async () => {
    await expect(readAll(filePath, 100)).rejects.toMatchObject({
      code: "ENOENT",
    });
  });
});
