import {
  Gauge,
  type OpenMetricsContentType,
  type PrometheusContentType,
  Registry,
} from "prom-client";

import type { Logger } from "../log.js";
import type { GpuSample, RequestRecord } from "../record.js";
import { registerGpuGauges } from "./gpu-gauges.js";
import {
  DEFAULT_MAX_MODEL_LABELS,
  ModelLabels,
  sanitizeLabelValue,
} from "./labels.js";
import { selectExpositionFormat } from "./negotiate.js";
import { ProviderGuard } from "./provider-guard.js";
import type { AnyRegistry } from "./registry-type.js";
import {
  type RecordLabels,
  type RequestFamilies,
  registerRequestFamilies,
} from "./request-families.js";

/** Live values the gauges read at scrape time. */
export interface MetricsProviders {
  /** Requests the proxy is forwarding right now. */
  inFlight(): number;
  proxyEnabled(): boolean;
  gpu(): readonly GpuSample[];
}

/** Options for `createMetrics`. */
export interface MetricsOptions {
  /** Distinct `model` label values before further models are reported as "other". Default 100. */
  maxModelLabels?: number;
  /** Receives provider failures. */
  logger?: Logger;
}

/** A rendered `/metrics` response body and its `Content-Type`. */
export interface Exposition {
  contentType: string;
  body: string;
}

/** Tokentap's Prometheus metrics. */
export interface Metrics {
  /** Registry rendered as Prometheus text format 0.0.4. */
  readonly registry: Registry<PrometheusContentType>;
  /** Registry rendered as OpenMetrics text 1.0.0. */
  readonly openMetricsRegistry: Registry<OpenMetricsContentType>;
  /** Counts one live record in the counters and histograms, skipping values that are null, negative or not finite. */
  observe(record: RequestRecord): void;
  /** Renders the exposition in the format the `Accept` header prefers, Prometheus text by default. */
  render(accept?: string): Promise<Exposition>;
}

/**
 * Creates the metric families under the `tokentap_` prefix in registries of
 * their own, never prom-client's global registry. Each format gets its own
 * registry and metric objects, because prom-client 15.1 renames counters in
 * place (dropping `_total`) when it renders OpenMetrics, which would break
 * later Prometheus text output of a shared counter. Node's default process
 * metrics are left out because prom-client names three gauges
 * `nodejs_active_*_total`, which `promtool check metrics` rejects.
 */
export function createMetrics(
  providers: MetricsProviders,
  options: MetricsOptions = {},
): Metrics {
  const modelLabels = new ModelLabels(
    options.maxModelLabels ?? DEFAULT_MAX_MODEL_LABELS,
  );
  const guard = new ProviderGuard(options.logger);
  const registry = new Registry<PrometheusContentType>();
  const openMetricsRegistry = new Registry<OpenMetricsContentType>();
  openMetricsRegistry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  const families = [registry, openMetricsRegistry].map((target) =>
    registerFamilies(target, providers, guard),
  );

  return {
    registry,
    openMetricsRegistry,
    observe(record) {
      const labels = labelRecord(record, modelLabels);
      for (const family of families) family.observe(record, labels);
    },
    async render(accept) {
      const target =
        selectExpositionFormat(accept) === "openmetrics"
          ? openMetricsRegistry
          : registry;

      return { contentType: target.contentType, body: await target.metrics() };
    },
  };
}

function registerFamilies(
  registry: AnyRegistry,
  providers: MetricsProviders,
  guard: ProviderGuard,
): RequestFamilies {
  const requestFamilies = registerRequestFamilies(registry);

  new Gauge({
    name: "tokentap_requests_in_flight",
    help: "Requests the proxy is forwarding now.",
    registers: [registry],
    collect() {
      // NaN marks the value as unknown when the provider fails, since a 0 would look real.
      this.set(guard.read("inFlight", () => providers.inFlight(), Number.NaN));
    },
  });
  new Gauge({
    name: "tokentap_proxy_enabled",
    help: "1 when the proxy forwards requests, 0 when it is switched off.",
    registers: [registry],
    collect() {
      const enabled = guard.read(
        "proxyEnabled",
        () => providers.proxyEnabled(),
        null,
      );
      this.set(enabled === null ? Number.NaN : Number(enabled));
    },
  });
  registerGpuGauges(registry, () =>
    guard.read("gpu", () => providers.gpu(), []),
  );

  return requestFamilies;
}

/** Builds the label values of `record`; `status` is "none" when no HTTP status was sent. */
function labelRecord(
  record: RequestRecord,
  modelLabels: ModelLabels,
): RecordLabels {
  return {
    model: modelLabels.labelFor(record.model),
    endpoint: sanitizeLabelValue(record.endpoint),
    outcome: record.outcome,
    status: record.status === null ? "none" : String(record.status),
  };
}
