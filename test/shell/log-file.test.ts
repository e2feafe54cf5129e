import { readFile } from "node:fs/promises";
import { join } from "node:path";

import electronLog from "electron-log/node";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { createFileLogger, LOG_FILE_NAME } from "../../main/shell/log-file.js";
import { makeTempDir } from "./temp-dirs.js";

describe("createFileLogger", () => {
  let logsDir: Awaited<ReturnType<typeof makeTempDir>>;
  let log: typeof electronLog;

  beforeEach(async () => {
    logsDir = await makeTempDir("logs");
    log = electronLog.create({ logId: `test-${Date.now()}` });
    log.transports.console.level = false;
  });

  afterEach(async () => {
    await logsDir.remove();
  });

  it("writes lines with their subsystem to the log file", async () => {
    const logger = createFileLogger(log, logsDir.path);

    logger.child("proxy").warn("port taken", { port: 4321 });

    const text = await readFile(join(logsDir.path, LOG_FILE_NAME), "utf8");
    expect(text).toMatch(/^\S+ WARN \[proxy\] port taken port=4321\n$/);
  });

  it("leaves out lines below the level", async () => {
    const logger = createFileLogger(log, logsDir.path, "warn");

    logger.info("starting");
    logger.error("failed");

    const text = await readFile(join(logsDir.path, LOG_FILE_NAME), "utf8");
    expect(text).not.toContain("starting");
    expect(text).toContain("ERROR [tokentap] failed");
  });
});
