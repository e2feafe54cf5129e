import { join } from "node:path";
import { performance } from "node:perf_hooks";

import { History } from "../../main/core/history/history.js";
import { createLogger, type Logger } from "../../main/core/log.js";
import type { RequestRecord } from "../../main/core/record.js";
import { writeSampleHistory } from "./history-load.js";
import { measureLoopDelay, type LoopDelay } from "./loop-delay.js";
import { SampleRecords } from "./sample-records.js";
import { collectGarbage, withTemporaryFolder } from "./timing.js";

export interface HistoryAppendArgs {
  ratePerSecond: number;
  durationMs: number;
  /** Interval of the timer that appends the records due, in milliseconds. */
  tickMs: number;
  /** `maxRecords` of the history, which is also the number of records in the file at the start. */
  maxRecords: number;
  /** Records appended and written before the window, so that the file reaches its trim point inside it. */
  lines: number;
}

export interface HistoryAppendResult {
  /** The same timer for the same time, appending nothing. */
  baseline: LoopDelay;
  appending: LoopDelay;
  appended: number;
  /** Records the history wrote during the window and the final flush. */
  written: number;
  dropped: number;
  /** Trims of the file back to `maxRecords` during the window. */
  trims: number;
}

/**
 * Measures the event-loop delay while records are appended to `History` at
 * `ratePerSecond`, against the same timer appending nothing. The file has
 * `lines` lines when the window opens. When that is close enough to twice
 * `maxRecords`, the file is trimmed inside the window, as happens every
 * `maxRecords` appends in steady use.
 */
export function measureHistoryAppend(
  args: HistoryAppendArgs,
): Promise<HistoryAppendResult> {
  return withTemporaryFolder(async (dataDir) => {
    const trims = { count: 0 };
    const history = await openFilledHistory(dataDir, args, trims);
    const writtenBefore = history.status().recordsWritten;
    const pool = new SampleRecords(2).take(
      Math.ceil((args.ratePerSecond * args.durationMs) / 1000) + 1,
    );

    collectGarbage();
    const baseline = await measureLoopDelay(() => runAtRate(args, () => {}));

    collectGarbage();
    trims.count = 0;
    const appending = await measureLoopDelay(() =>
      runAtRate(args, (index) => {
        history.append(pool[index % pool.length] as RequestRecord);
      }),
    );
    const trimsInWindow = trims.count;
    await history.close();

    const status = history.status();
    return {
      baseline: baseline.delay,
      appending: appending.delay,
      appended: appending.result,
      written: status.recordsWritten - writtenBefore,
      dropped: status.droppedRecords,
      trims: trimsInWindow,
    };
  });
}

/** Loads a history of `maxRecords` records and appends up to `lines` lines in one batch. */
async function openFilledHistory(
  dataDir: string,
  args: HistoryAppendArgs,
  trims: { count: number },
): Promise<History> {
  await writeSampleHistory(join(dataDir, "requests.jsonl"), args.maxRecords);
  const history = new History({
    dataDir,
    logger: trimCounter(trims),
    maxRecords: args.maxRecords,
  });
  await history.load();

  const extra = new SampleRecords(3).take(args.lines - args.maxRecords);
  for (const record of extra) history.append(record);
  await history.flush();
  return history;
}

/** Creates a logger that counts the history's trims and drops every line. */
function trimCounter(trims: { count: number }): Logger {
  return createLogger((_level, line) => {
    if (line.includes("history rewrote") && line.includes("reason=trim"))
      trims.count += 1;
  }, "info");
}

/**
 * Calls `onRecord` `ratePerSecond` times a second for `durationMs` from a
 * timer of `tickMs`. Each tick calls it for every record due by then, so
 * late ticks catch up and the rate holds. Resolves with the number of calls.
 */
function runAtRate(
  args: HistoryAppendArgs,
  onRecord: (index: number) => void,
): Promise<number> {
  return new Promise((resolve) => {
    const startedAt = performance.now();
    let done = 0;

    const timer = setInterval(() => {
      const elapsedMs = Math.min(
        performance.now() - startedAt,
        args.durationMs,
      );
      const due = Math.floor((elapsedMs * args.ratePerSecond) / 1000);
      for (; done < due; done++) onRecord(done);

      if (elapsedMs >= args.durationMs) {
        clearInterval(timer);
        resolve(done);
      }
    }, args.tickMs);
  });
}
