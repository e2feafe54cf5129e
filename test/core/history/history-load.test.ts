import { chmod, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { History } from "../../../main/core/history/history.js";
import { formatRecordLine } from "../../../main/core/history/record-line.js";
import type { RequestRecord } from "../../../main/core/record.js";
import { makeRecord } from "../store/make-record.js";
import {
  captureLog,
  makeTempFolder,
  readLinesOf,
  removeFolder,
  type CapturedLog,
} from "./history-fixtures.js";

function linesOf(records: RequestRecord[]): string {
  return records.map((record) => `${formatRecordLine(record)}\n`).join("");
}

describe("History.load", () => {
  let folder: string;
  let filePath: string;
  let log: CapturedLog;

  beforeEach(async () => {
    folder = await makeTempFolder();
    filePath = path.join(folder, "requests.jsonl");
    log = captureLog();
  });

  afterEach(async () => {
    await removeFolder(folder);
  });

  function openHistory(maxRecords?: number, dataDir = folder): History {
    return new History({ dataDir, logger: log.logger, maxRecords });
  }

  it("returns records appended before a restart, in order", async () => {
    const records = Array.from({ length: 25 }, () => makeRecord());
    const first = openHistory();
    await first.load();
    for (const record of records) first.append(record);
    await first.close();

    const second = openHistory();
    const result = await second.load();
    await second.close();

    expect(result.records).toEqual(records);
    expect(result.skipped).toBe(0);
    expect(await readLinesOf(filePath)).toHaveLength(records.length);
  });

  it("adds to the file across restarts without duplicates", async () => {
    const before = [makeRecord(), makeRecord()];
    const after = [makeRecord()];
    await writeFile(filePath, linesOf(before));

    const history = openHistory();
    await history.load();
    for (const record of after) history.append(record);
    await history.close();

    const lines = await readLinesOf(filePath);
    expect(lines).toEqual([...before, ...after].map(formatRecordLine));
  });

  it("keeps the last maxRecords records", async () => {
    const records = Array.from({ length: 10 }, () => makeRecord());
    await writeFile(filePath, linesOf(records));

    const result = await openHistory(4).load();

    expect(result.records).toEqual(records.slice(6));
    expect(result.trimmed).toBe(6);
    expect(result.rewritten).toBe(true);
    expect(await readLinesOf(filePath)).toEqual(
      records.slice(6).map(formatRecordLine),
    );
  });

  it("skips a torn last line", async () => {
    const records = [makeRecord(), makeRecord()];
    const torn = formatRecordLine(makeRecord()).slice(0, 40);
    await writeFile(filePath, linesOf(records) + torn);

    const result = await openHistory().load();

    expect(result.records).toEqual(records);
    expect(result.tornLastLine).toBe(true);
    expect(result.skipped).toBe(1);
    expect(log.at("info")).toContain("cut-off last line");
    expect(await readFile(filePath, "utf8")).toBe(linesOf(records));
  });

  it("keeps a valid last line that lacks its newline", async () => {
    const records = [makeRecord(), makeRecord()];
    const text = linesOf(records);
    await writeFile(filePath, text.slice(0, -1));

    const history = openHistory();
    const result = await history.load();
    const next = makeRecord();
    history.append(next);
    await history.close();

    expect(result.records).toEqual(records);
    expect(await readFile(filePath, "utf8")).toBe(linesOf([...records, next]));
  });

  it("returns nothing from a file of garbage", async () => {
    await writeFile(filePath, "garbage\n\u0000\u0001binary\n{{{\n");

    const result = await openHistory().load();

    expect(result.records).toEqual([]);
    expect(result.skipped).toBe(3);
    expect(log.at("warn")).toContain("skipped 3 unreadable lines");
    expect(await readFile(filePath, "utf8")).toBe("");
  });

  it("returns nothing from an empty file", async () => {
    await writeFile(filePath, "");

    const result = await openHistory().load();

    expect(result.records).toEqual([]);
    expect(result.skipped).toBe(0);
    expect(result.rewritten).toBe(false);
    expect(result.enabled).toBe(true);
  });

  it("creates a missing folder with mode 0700", async () => {
    const dataDir = path.join(folder, "nested", "tokentap");

    const history = openHistory(undefined, dataDir);
    const result = await history.load();
    history.append(makeRecord());
    await history.close();

    expect(result.enabled).toBe(true);
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    expect(
      await readLinesOf(path.join(dataDir, "requests.jsonl")),
    ).toHaveLength(1);
  });

  it("creates the file with mode 0600", async () => {
    await openHistory().load();

    expect((await stat(filePath)).mode & 0o777).toBe(0o600);
  });

  it("sets an existing file's mode to 0600", async () => {
    await writeFile(filePath, linesOf([makeRecord()]));
    await chmod(filePath, 0o644);

    await openHistory().load();

    expect((await stat(filePath)).mode & 0o777).toBe(0o600);
  });

  it("skips foreign JSON values", async () => {
    const record = makeRecord();
    const foreign = [
      '{"hello":"world"}',
      "[1,2,3]",
      "42",
      "null",
      JSON.stringify({ ...makeRecord(), status: "200" }),
    ];
    await writeFile(filePath, `${foreign.join("\n")}\n${linesOf([record])}`);

    const result = await openHistory().load();

    expect(result.records).toEqual([record]);
    expect(result.skipped).toBe(foreign.length);
  });

  it("skips a line over the line limit", async () => {
    const records = [makeRecord(), makeRecord()];
    const huge = `{"id":"${"x".repeat(5 * 1024 * 1024)}"}`;
    await writeFile(
      filePath,
      `${linesOf(records.slice(0, 1))}${huge}\n${linesOf(records.slice(1))}`,
    );

    const result = await openHistory().load();

    expect(result.records).toEqual(records);
    expect(result.oversized).toBe(1);
    expect(result.skipped).toBe(1);
    expect(log.at("warn")).toContain("1 over 65536 bytes");
    expect(await readFile(filePath, "utf8")).toBe(linesOf(records));
  });

  it("leaves a clean file unwritten", async () => {
    await writeFile(filePath, linesOf([makeRecord()]));
    const before = await stat(filePath);

    const result = await openHistory().load();

    expect(result.rewritten).toBe(false);
    expect((await stat(filePath)).ino).toBe(before.ino);
  });

  it("returns the same result to a second call", async () => {
    await writeFile(filePath, linesOf([makeRecord()]));
    const history = openHistory();

    const first = await history.load();
    const second = await history.load();

    expect(second).toBe(first);
  });

  it("disables history when the path is a folder", async () => {
    await mkdir(filePath);

    const history = openHistory();
    const result = await history.load();
    history.append(makeRecord());
    await history.close();

    expect(result.enabled).toBe(false);
    expect(log.at("error")).toContain(
      `history disabled: cannot write ${filePath} (EISDIR)`,
    );
    expect(history.status().lastError).toContain("EISDIR");
  });

  it("logs the load with its counts", async () => {
    await writeFile(filePath, `${linesOf([makeRecord()])}oops\n`);

    await openHistory().load();

    expect(log.at("info")).toContain(`history loaded from ${filePath}`);
    expect(log.at("info")).toContain("records=1");
    expect(log.at("info")).toContain("skipped=1");
  });
});
