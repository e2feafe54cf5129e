import {
  mkdir,
  open,
  readFile,
  rmdir,
  unlink,
  writeFile,
} from "node:fs/promises";
import path from "node:path";

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { History } from "../../../main/core/history/history.js";
import { formatRecordLine } from "../../../main/core/history/record-line.js";
import type { RequestRecord } from "../../../main/core/record.js";
import { makeRecord } from "../store/make-record.js";
import {
  captureLog,
  makeTempFolder,
  mountTmpfs,
  remountReadOnly,
  removeFolder,
  unmount,
  type CapturedLog,
} from "./history-fixtures.js";

function linesOf(records: RequestRecord[]): string {
  return records.map((record) => `${formatRecordLine(record)}\n`).join("");
}

/** Writes to a filler file until the file system reports ENOSPC. */
async function fillDisk(folder: string): Promise<void> {
  const handle = await open(path.join(folder, "filler"), "w");
  try {
    for (let attempt = 0; attempt < 1000; attempt += 1)
      await handle.write(Buffer.alloc(4096, 0x61));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOSPC") return;
    throw error;
  } finally {
    await handle.close();
  }
  throw new Error(`the tmpfs at ${folder} did not fill up`);
}

describe("History on a failing file system", () => {
  let parent: string;
  let mountPoint: string;
  let mounted = false;
  let log: CapturedLog;

  beforeEach(async () => {
    parent = await makeTempFolder();
    mountPoint = path.join(parent, "mnt");
    await mkdir(mountPoint);
    log = captureLog();
  });

  afterEach(async () => {
    if (mounted) await unmount(mountPoint);
    mounted = false;
    await rmdir(mountPoint).catch(() => {});
    await removeFolder(parent);
  });

  async function mount(size: string): Promise<void> {
    await mountTmpfs(mountPoint, size);
    mounted = true;
  }

  function openHistory(dataDir = mountPoint): History {
    return new History({
      dataDir,
      logger: log.logger,
      remedy: "check the folder's permissions or start with --no-history",
    });
  }

  it("loads a read-only folder's records and disables writes", async () => {
    const records = [makeRecord(), makeRecord()];
    await mount("1m");
    const filePath = path.join(mountPoint, "requests.jsonl");
    await writeFile(filePath, linesOf(records));
    await remountReadOnly(mountPoint);

    const history = openHistory();
    const result = await history.load();
    history.append(makeRecord());
    await history.close();

    expect(result.records).toEqual(records);
    expect(result.enabled).toBe(false);
    expect(log.at("error")).toContain(
      `history disabled: cannot write ${filePath} (EROFS); check the folder's permissions or start with --no-history`,
    );
    expect(await readFile(filePath, "utf8")).toBe(linesOf(records));
  });

  it("drops records appended before a disabled load", async () => {
    await mount("1m");
    await remountReadOnly(mountPoint);

    const history = openHistory();
    history.append(makeRecord());
    await history.load();
    await history.close();

    expect(history.status().droppedRecords).toBe(1);
    expect(history.status().pendingRecords).toBe(0);
    expect(log.at("warn")).not.toContain("closed before load");
  });

  it("keeps records when a read-only file needs a rewrite", async () => {
    const records = [makeRecord()];
    await mount("1m");
    const filePath = path.join(mountPoint, "requests.jsonl");
    await writeFile(filePath, `${linesOf(records)}garbage\n`);
    await remountReadOnly(mountPoint);

    const result = await openHistory().load();

    expect(result.records).toEqual(records);
    expect(result.skipped).toBe(1);
    expect(result.rewritten).toBe(false);
  });

  it("disables history when the folder cannot be created", async () => {
    await mount("1m");
    await remountReadOnly(mountPoint);
    const dataDir = path.join(mountPoint, "tokentap");

    const history = openHistory(dataDir);
    const result = await history.load();

    expect(result.records).toEqual([]);
    expect(result.enabled).toBe(false);
    expect(log.at("error")).toContain(
      `history disabled: cannot create the folder ${dataDir} (EROFS)`,
    );
    expect(history.status().lastError).toContain("EROFS");
  });

  it("logs ENOSPC on a full disk without throwing", async () => {
    await mount("16k");
    const history = openHistory();
    await history.load();
    await fillDisk(mountPoint);

    for (let index = 0; index < 20; index += 1) history.append(makeRecord());
    await history.flush();
    history.append(makeRecord());
    await history.close();

    const status = history.status();
    expect(log.at("error")).toContain("history write failed");
    expect(log.at("error")).toContain("ENOSPC");
    expect(log.at("error").split("\n")).toHaveLength(1);
    expect(status.droppedRecords).toBe(21);
    expect(status.lastError).toContain("ENOSPC");
  });

  it("writes again once space is freed", async () => {
    await mount("16k");
    const history = openHistory();
    await history.load();
    await fillDisk(mountPoint);
    history.append(makeRecord());
    await history.flush();

    await unlink(path.join(mountPoint, "filler"));
    const record = makeRecord();
    history.append(record);
    await history.close();

    const text = await readFile(
      path.join(mountPoint, "requests.jsonl"),
      "utf8",
    );
    expect(text.split("\n")).toContain(formatRecordLine(record));
    expect(log.at("info")).toContain("work again after 1 failed writes");
    expect(history.status().recordsWritten).toBe(1);
  });

  it("loads an existing file on a full disk", async () => {
    const records = [makeRecord(), makeRecord()];
    await mount("16k");
    const filePath = path.join(mountPoint, "requests.jsonl");
    await writeFile(filePath, linesOf(records));
    await fillDisk(mountPoint);

    const result = await openHistory().load();

    expect(result.records).toEqual(records);
    expect(result.enabled).toBe(true);
  });

  it("keeps records when the rewrite finds the disk full", async () => {
    const records = [makeRecord(), makeRecord()];
    await mount("16k");
    const filePath = path.join(mountPoint, "requests.jsonl");
    const text = `${linesOf(records)}${formatRecordLine(makeRecord()).slice(0, 30)}`;
    await writeFile(filePath, text);
    await fillDisk(mountPoint);

    const result = await openHistory().load();

    expect(result.records).toEqual(records);
    expect(result.rewritten).toBe(false);
    expect(log.at("error")).toContain("history rewrite failed");
    expect(await readFile(filePath, "utf8")).toBe(text);
  });
});
