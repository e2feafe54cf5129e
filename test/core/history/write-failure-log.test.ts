import { describe, expect, it } from "vitest";

import {
  adviceFor,
  WriteFailureLog,
} from "../../../main/core/history/write-failure-log.js";
import { captureLog } from "./history-fixtures.js";

function noSpace(): NodeJS.ErrnoException {
  return Object.assign(new Error("ENOSPC: no space left on device, write"), {
    code: "ENOSPC",
  });
}

describe("WriteFailureLog", () => {
  it("logs the first failure with advice", () => {
    const log = captureLog();
    const failures = new WriteFailureLog(log.logger, "/data/requests.jsonl");

    failures.failed(noSpace(), 3);

    expect(log.at("error")).toContain(
      "history write failed: 3 records not written to /data/requests.jsonl; free disk space",
    );
  });

  it("counts failures within the interval without logging", () => {
    const log = captureLog();
    const failures = new WriteFailureLog(log.logger, "/f", 60_000, () => 0);

    failures.failed(noSpace(), 1);
    failures.failed(noSpace(), 1);
    failures.failed(noSpace(), 1);

    expect(log.lines).toHaveLength(1);
  });

  it("logs a count once the interval has passed", () => {
    const log = captureLog();
    let now = 0;
    const failures = new WriteFailureLog(log.logger, "/f", 60_000, () => now);

    failures.failed(noSpace(), 1);
    failures.failed(noSpace(), 2);
    now = 60_000;
    failures.failed(noSpace(), 4);

    expect(log.lines).toHaveLength(2);
    expect(log.lines[1]?.line).toContain(
      "history writes still failing: 2 more failed writes, 6 more records not written",
    );
  });

  it("logs recovery once after failures", () => {
    const log = captureLog();
    const failures = new WriteFailureLog(log.logger, "/f");

    failures.failed(noSpace(), 2);
    failures.failed(noSpace(), 3);
    failures.succeeded();
    failures.succeeded();

    expect(log.at("info")).toContain(
      "work again after 2 failed writes and 5 records not written",
    );
    expect(log.at("info").split("\n")).toHaveLength(1);
  });

  it("logs nothing for success without failures", () => {
    const log = captureLog();

    new WriteFailureLog(log.logger, "/f").succeeded();

    expect(log.lines).toHaveLength(0);
  });
});

describe("adviceFor", () => {
  it.each([
    ["ENOSPC", "free disk space"],
    ["EROFS", "read-only"],
    ["EACCES", "permissions"],
    ["EIO", "exists and is writable"],
  ])("advises on %s", (code, advice) => {
    expect(adviceFor(Object.assign(new Error(code), { code }))).toContain(
      advice,
    );
  });
});
