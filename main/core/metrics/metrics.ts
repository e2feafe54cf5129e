import {
  Counter,
  Gauge,
  type MetricObject,
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
  /** Registry of every metric family, rendered as Prometheus text format 0.0.4. */
  readonly registry: Registry<PrometheusContentType>;
  /** Counts one live record in the counters and histograms, skipping values that are null, negative or not finite. */
  observe(record: RequestRecord): void;
  /** Renders the exposition in the format the `Accept` header prefers, Prometheus text by default. */
  render(accept?: string): Promise<Exposition>;
}

/**
 * Creates the metric families under the `tokentap_` prefix in a registry of
 * their own, never prom-client's global registry. OpenMetrics is rendered
 * from the same metric objects, through views that drop `_total` from
 * counter family names. prom-client 15.1's own OpenMetrics render renames
 * counters in place, which would break later Prometheus text output. Node's
 * default process metrics are left out because prom-client names three
 * gauges `nodejs_active_*_total`, which `promtool check metrics` rejects.
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
  const openMetrics = openMetricsFormatter();
  const families = registerFamilies(registry, providers, guard);

  return {
    registry,
    observe(record) {
      families.observe(record, labelRecord(record, modelLabels));
    },
    async render(accept) {
      if (selectExpositionFormat(accept) === "prometheus") {
        return {
          contentType: registry.contentType,
          body: await registry.metrics(),
        };
      }

      const bodies = await Promise.all(
        registry
          .getMetricsAsArray()
          .map((metric) =>
            openMetrics.getMetricsAsString(openMetricsView(metric)),
          ),
      );
      // The same layout as prom-client's own OpenMetrics render.
      return {
        contentType: Registry.OPENMETRICS_CONTENT_TYPE,
        body: `${bodies.join("\n")}\n# EOF\n`,
      };
    },
  };
}

/** A metric that prom-client's registry can format: its `get` returns the family's name, type, help and values. */
interface FormattableMetric {
  get(): Promise<{ name: string }>;
}

/** The method of prom-client's `Registry` that formats one metric. It exists in 15.x but is missing from its type declarations. */
interface MetricFormatter {
  getMetricsAsString(metric: FormattableMetric): Promise<string>;
}

function openMetricsFormatter(): MetricFormatter {
  const registry = new Registry<OpenMetricsContentType>();
  registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  const formatter = registry as unknown as Partial<MetricFormatter>;
  if (typeof formatter.getMetricsAsString !== "function") {
    throw new Error(
      "prom-client's Registry has no getMetricsAsString method, which Tokentap's OpenMetrics output needs; install prom-client 15.x",
    );
  }
  return formatter as MetricFormatter;
}

/** Returns `metric` as OpenMetrics names it: a counter family without the `_total` that its samples keep. */
function openMetricsView(metric: MetricObject): FormattableMetric {
  const source = metric as unknown as FormattableMetric;
  if (!(metric instanceof Counter)) return source;

  const name = metric.name.replace(/_total$/, "");
  return {
    get: async () => ({ ...(await source.get()), name }),
  };
}

function registerFamilies(
  registry: Registry<PrometheusContentType>,
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
