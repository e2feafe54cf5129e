export {
  DEFAULT_MAX_MODELS,
  DEFAULT_STORE_CAPACITY,
  MAX_STORE_CAPACITY,
  MAX_TRACKED_MODELS,
  Store,
} from "./store.js";
export { MODEL_RATE_WINDOW } from "./model-tally.js";
export { decodeRateOf, tokenCountOf } from "./record-values.js";
export type {
  ModelStats,
  Problem,
  ProblemInput,
  RatePercentiles,
  RecordListener,
  StoreOptions,
  StoreTotals,
} from "./types.js";
