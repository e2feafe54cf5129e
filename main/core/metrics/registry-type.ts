import type {
  OpenMetricsContentType,
  PrometheusContentType,
  Registry,
} from "prom-client";

/** A prom-client registry of either exposition format. */
export type AnyRegistry =
  Registry<PrometheusContentType> | Registry<OpenMetricsContentType>;
