export {
  createMetrics,
  type Exposition,
  type Metrics,
  type MetricsOptions,
  type MetricsProviders,
} from "./metrics.js";
export { selectExpositionFormat, type ExpositionFormat } from "./negotiate.js";
export {
  DEFAULT_MAX_MODEL_LABELS,
  MAX_LABEL_VALUE_LENGTH,
  OTHER_MODEL,
  UNKNOWN_MODEL,
} from "./labels.js";
