export { DATA_DIR_NAME, defaultDataDir } from "./data-dir.js";
export { History } from "./history.js";
export {
  DEFAULT_FLUSH_INTERVAL_MS,
  DEFAULT_HISTORY_FILE_NAME,
  DEFAULT_HISTORY_RECORDS,
  DEFAULT_MAX_PENDING,
  MAX_FLUSH_INTERVAL_MS,
  MAX_HISTORY_RECORDS,
  MAX_LINE_BYTES,
} from "./history-options.js";
export {
  formatRecordLine,
  parseRecordLine,
  RECORD_FIELDS,
} from "./record-line.js";
export type {
  HistoryLoadResult,
  HistoryOptions,
  HistoryStatus,
} from "./types.js";
