import { describeError } from "../errors.js";
import type { Logger } from "../log.js";
import type { HistoryFileContents } from "./history-file.js";

/** Returns the number of lines left out as unreadable: invalid, oversized and a torn last line. */
export function countSkippedLines(contents: HistoryFileContents): number {
  const torn = contents.tornLastLine ? 1 : 0;
  return contents.invalidLines + contents.oversizedLines + torn;
}

/** Returns the number of lines the file had when it was read. */
export function countFileLines(contents: HistoryFileContents): number {
  return (
    countSkippedLines(contents) +
    contents.blankLines +
    contents.trimmed +
    contents.records.length
  );
}

/**
 * Logs what went wrong reading a history file: a read error at error
 * level, a torn last line at info level because a crash during a write
 * leaves one, and other unreadable lines at warn level with their counts.
 */
export function logReadProblems(
  logger: Logger,
  filePath: string,
  contents: HistoryFileContents,
  maxLineBytes: number,
): void {
  if (contents.error !== null)
    logger.error(
      `history read failed partway through ${filePath}; keeping the records read before the failure and leaving the file as it is`,
      { path: filePath, error: describeError(contents.error) },
    );

  if (contents.tornLastLine)
    logger.info(
      `skipped a cut-off last line in ${filePath}, left by a write that did not finish`,
      { path: filePath },
    );

  const unreadable = contents.invalidLines + contents.oversizedLines;
  if (unreadable > 0)
    logger.warn(
      `skipped ${unreadable} unreadable lines in ${filePath}: ${contents.invalidLines} not a JSON request record, ${contents.oversizedLines} over ${maxLineBytes} bytes`,
      {
        path: filePath,
        invalid: contents.invalidLines,
        oversized: contents.oversizedLines,
      },
    );
}
