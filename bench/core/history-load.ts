import { randomUUID } from "node:crypto";
import { copyFile, mkdir, open, readFile, stat } from "node:fs/promises";
import { join } from "node:path";

import { History } from "../../main/core/history/history.js";
import { formatRecordLine } from "../../main/core/history/record-line.js";
import { silentLogger } from "../../main/core/log.js";
import { SampleRecords } from "./sample-records.js";
import {
  summarizeRuns,
  timeRun,
  withTemporaryFolder,
  type RunTimes,
} from "./timing.js";

export interface HistoryLoadArgs {
  /** Lines of the history file to load. */
  lines: number;
  /** One `maxRecords` value per case. */
  maxRecords: readonly number[];
  /** Timed runs of the baseline and of each case, interleaved. */
  repeats: number;
}

/** One `History.load()` case: a fresh copy of the file per run. */
export interface HistoryLoadCase {
  maxRecords: number;
  times: RunTimes;
  /** Median load time divided by the median baseline time. */
  ratio: number;
  records: number;
  trimmed: number;
  rewritten: boolean;
}

export interface HistoryLoadResult {
  lines: number;
  fileBytes: number;
  /** `fs.readFile`, `split` and `JSON.parse` of every line of the same file. */
  baseline: RunTimes;
  cases: HistoryLoadCase[];
}

/** Lines written per write call while the file is built. */
const LINES_PER_WRITE = 5_000;
/** Sample records formatted for the file; its other lines repeat them. */
const DISTINCT_RECORDS = 5_000;
const ID_PREFIX = '{"id":"';
const UUID_LENGTH = 36;

/**
 * Writes a history file of `lines` sample records, then times
 * `History.load()` on a fresh copy of it for each `maxRecords`, against
 * reading and parsing the same file with no checks. The copy is made before
 * the clock starts, because a load that trims rewrites the file.
 */
export function measureHistoryLoad(
  args: HistoryLoadArgs,
): Promise<HistoryLoadResult> {
  return withTemporaryFolder(async (folder) => {
    const source = join(folder, "source.jsonl");
    await writeSampleHistory(source, args.lines);
    const dataDir = join(folder, "data");
    await mkdir(dataDir, { mode: 0o700 });

    const baselineMs: number[] = [];
    const caseMs = args.maxRecords.map(() => [] as number[]);
    const outcomes: Omit<HistoryLoadCase, "times" | "ratio">[] = [];

    for (let repeat = 0; repeat < args.repeats; repeat++) {
      baselineMs.push((await timeRun(() => parseWholeFile(source))).ms);

      for (const [index, maxRecords] of args.maxRecords.entries()) {
        await copyFile(source, join(dataDir, "requests.jsonl"));
        const { result, ms } = await timeRun(() =>
          new History({ dataDir, logger: silentLogger, maxRecords }).load(),
        );
        caseMs[index]?.push(ms);
        outcomes[index] = {
          maxRecords,
          records: result.records.length,
          trimmed: result.trimmed,
          rewritten: result.rewritten,
        };
      }
    }

    const baseline = summarizeRuns(baselineMs);
    return {
      lines: args.lines,
      fileBytes: (await stat(source)).size,
      baseline,
      cases: outcomes.map((outcome, index) => {
        const times = summarizeRuns(caseMs[index] ?? []);
        return {
          ...outcome,
          times,
          ratio: times.medianMs / baseline.medianMs,
        };
      }),
    };
  });
}

/**
 * Writes `lines` history lines: `DISTINCT_RECORDS` sample records formatted
 * with the formatter `History` uses, repeated with a fresh id on each line.
 * Repeating keeps the file's mix and line lengths while building it takes
 * a fraction of the time of formatting every line.
 */
export async function writeSampleHistory(
  path: string,
  lines: number,
): Promise<void> {
  const templates = new SampleRecords()
    .take(DISTINCT_RECORDS)
    .map((record) => formatRecordLine(record));
  const handle = await open(path, "w", 0o600);

  try {
    for (let written = 0; written < lines; written += LINES_PER_WRITE) {
      const count = Math.min(LINES_PER_WRITE, lines - written);
      let piece = "";
      for (let index = 0; index < count; index++) {
        const template = templates[(written + index) % templates.length] ?? "";
        piece += `${withFreshId(template)}\n`;
      }
      await handle.writeFile(piece, "utf8");
    }
  } finally {
    await handle.close();
  }
}

/** Replaces the UUID of a formatted line, which `formatRecordLine` writes first. */
function withFreshId(line: string): string {
  if (!line.startsWith(ID_PREFIX))
    throw new Error(
      `a history line does not start with ${ID_PREFIX}; update the benchmark to the record field order`,
    );
  return ID_PREFIX + randomUUID() + line.slice(ID_PREFIX.length + UUID_LENGTH);
}

/** Reads and parses the file with no checks, the least work that turns it into objects, and keeps them like loaded records. */
async function parseWholeFile(path: string): Promise<unknown[]> {
  const text = await readFile(path, "utf8");
  const values: unknown[] = [];
  for (const line of text.split("\n")) {
    if (line !== "") values.push(JSON.parse(line));
  }
  return values;
}
