import { readFile, stat, unlink } from "node:fs/promises";
import path from "node:path";

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { History } from "../../../main/core/history/history.js";
import { formatRecordLine } from "../../../main/core/history/record-line.js";
import type { HistoryOptions } from "../../../main/core/history/types.js";
import { makeRecord } from "../store/make-record.js";
import {
  captureLog,
  makeTempFolder,
  readLinesOf,
  removeFolder,
  type CapturedLog,
} from "./history-fixtures.js";

describe("History.append", () => {
  let folder: string;
  let filePath: string;
  let log: CapturedLog;
  let history: History | undefined;

  beforeEach(async () => {
    folder = await makeTempFolder();
    filePath = path.join(folder, "requests.jsonl");
    log = captureLog();
  });

  afterEach(async () => {
    await history?.close();
    history = undefined;
    await removeFolder(folder);
  });

  function openHistory(options: Partial<HistoryOptions> = {}): History {
    history = new History({ dataDir: folder, logger: log.logger, ...options });
    return history;
  }

  it("writes queued records on flush", async () => {
    const records = [makeRecord(), makeRecord(), makeRecord()];
    const opened = openHistory({ flushIntervalMs: 60_000 });
    await opened.load();

    for (const record of records) opened.append(record);
    await opened.flush();

    expect(await readLinesOf(filePath)).toEqual(records.map(formatRecordLine));
    expect(opened.status().recordsWritten).toBe(3);
  });

  it("writes queued records after the batching window", async () => {
    const opened = openHistory({ flushIntervalMs: 10 });
    await opened.load();

    opened.append(makeRecord());
    opened.append(makeRecord());

    await vi.waitFor(async () => {
      expect(await readLinesOf(filePath)).toHaveLength(2);
    });
  });

  it("keeps the order of records across overlapping flushes", async () => {
    const records = Array.from({ length: 200 }, () => makeRecord());
    const opened = openHistory();
    await opened.load();

    const flushes: Promise<void>[] = [];
    for (const record of records) {
      opened.append(record);
      if (flushes.length < 50) flushes.push(opened.flush());
    }
    await Promise.all(flushes);
    await opened.close();

    expect(await readLinesOf(filePath)).toEqual(records.map(formatRecordLine));
  });

  it("never writes prompt or completion text", async () => {
    const marker = "MARKER-4f1c9a2e-prompt-text";
    const opened = openHistory();
    await opened.load();

    opened.append({
      ...makeRecord(),
      prompt: `${marker} in the prompt`,
      completion: `${marker} in the completion`,
      messages: [{ role: "user", content: marker }],
    } as ReturnType<typeof makeRecord>);
    await opened.close();

    const text = await readFile(filePath, "utf8");
    expect(text).not.toContain(marker);
    expect(text).not.toContain('prompt"');
    expect(await readLinesOf(filePath)).toHaveLength(1);
  });

  it("writes records appended before load once load finishes", async () => {
    const record = makeRecord();
    const opened = openHistory();

    opened.append(record);
    await opened.load();
    await opened.flush();

    expect(await readLinesOf(filePath)).toEqual([formatRecordLine(record)]);
  });

  it("ignores appends after close", async () => {
    const opened = openHistory();
    await opened.load();
    opened.append(makeRecord());
    await opened.close();

    opened.append(makeRecord());
    opened.append(makeRecord());
    await opened.flush();

    expect(await readLinesOf(filePath)).toHaveLength(1);
    expect(log.at("debug")).toContain("history is closed");
    expect(opened.status().enabled).toBe(false);
  });

  it("writes pending records on close", async () => {
    const opened = openHistory({ flushIntervalMs: 60_000 });
    await opened.load();

    opened.append(makeRecord());
    await opened.close();

    expect(await readLinesOf(filePath)).toHaveLength(1);
    expect(log.at("info")).toContain("history closed");
  });

  it("warns when closed before load", async () => {
    const opened = openHistory();

    opened.append(makeRecord());
    await opened.close();

    expect(log.at("warn")).toContain(
      "history closed before load; 1 records were not written",
    );
  });

  it("trims the file once it reaches twice maxRecords", async () => {
    const records = Array.from({ length: 10 }, () => makeRecord());
    const opened = openHistory({ maxRecords: 5 });
    await opened.load();

    for (const record of records.slice(0, 9)) opened.append(record);
    await opened.flush();
    const untrimmed = await readLinesOf(filePath);
    opened.append(records[9]!);
    await opened.flush();

    expect(untrimmed).toHaveLength(9);
    expect(await readLinesOf(filePath)).toEqual(
      records.slice(5).map(formatRecordLine),
    );
    expect((await stat(filePath)).mode & 0o777).toBe(0o600);
  });

  it("drops the oldest pending records beyond maxPending", async () => {
    const records = Array.from({ length: 5 }, () => makeRecord());
    const opened = openHistory({ maxPending: 3 });

    for (const record of records) opened.append(record);
    await opened.load();
    await opened.flush();

    expect(await readLinesOf(filePath)).toEqual(
      records.slice(2).map(formatRecordLine),
    );
    expect(opened.status().droppedRecords).toBe(2);
    expect(log.at("warn")).toContain("write queue is full");
  });

  it("drops a record whose line is over the line limit", async () => {
    const opened = openHistory();
    await opened.load();

    opened.append(makeRecord({ error: "e".repeat(70 * 1024) }));
    opened.append(makeRecord());
    await opened.flush();

    expect(await readLinesOf(filePath)).toHaveLength(1);
    expect(opened.status().droppedRecords).toBe(1);
  });

  it("recreates a deleted file with mode 0600", async () => {
    const opened = openHistory();
    await opened.load();
    await unlink(filePath);

    opened.append(makeRecord());
    await opened.flush();

    expect((await stat(filePath)).mode & 0o777).toBe(0o600);
  });

  it("reports its state in status", async () => {
    const opened = openHistory({ flushIntervalMs: 60_000 });
    await opened.load();
    opened.append(makeRecord());

    expect(opened.status()).toEqual({
      path: filePath,
      enabled: true,
      recordsWritten: 0,
      skippedAtLoad: 0,
      droppedRecords: 0,
      pendingRecords: 1,
      lastError: null,
    });
  });
});

describe("History options", () => {
  it.each([0, -1, 1.5, Number.NaN, 2_000_000])(
    "rejects maxRecords %s",
    (maxRecords) => {
      expect(
        () =>
          new History({
            dataDir: "/tmp",
            logger: captureLog().logger,
            maxRecords,
          }),
      ).toThrow(new RegExp(`maxRecords ${String(maxRecords)}`));
    },
  );

  it("throws RangeError for an invalid maxRecords", () => {
    expect(
      () =>
        new History({
          dataDir: "/tmp",
          logger: captureLog().logger,
          maxRecords: 0,
        }),
    ).toThrow(RangeError);
  });

  it("rejects a negative flushIntervalMs", () => {
    expect(
      () =>
        new History({
          dataDir: "/tmp",
          logger: captureLog().logger,
          flushIntervalMs: -5,
        }),
    ).toThrow(/flushIntervalMs -5/);
  });

  it("puts the file in dataDir under fileName", () => {
    const history = new History({
      dataDir: "/data",
      logger: captureLog().logger,
      fileName: "other.jsonl",
    });

    expect(history.path).toBe(path.join("/data", "other.jsonl"));
  });
});
