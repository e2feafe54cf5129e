import type { ProxyStatus } from "../../main/core/api/local-api.js";
import type { RequestRecord } from "../../main/core/record.js";
import type { Snapshot } from "../../main/core/snapshot/snapshot.js";
import type { ModelStats } from "../../main/core/store/types.js";

/** Builds the proxy state of a proxy switched on at 127.0.0.1:4321 with no problem. */
export function makeProxyStatus(
  overrides: Partial<ProxyStatus> = {},
): ProxyStatus {
  return {
    enabled: true,
    listenUrl: "http://127.0.0.1:4321",
    upstream: "http://127.0.0.1:11434",
    inFlight: 0,
    warning: null,
    error: null,
    ...overrides,
  };
}

/** Builds per-model statistics for `model`. */
export function makeModelStats(
  model: string | null,
  overrides: Partial<ModelStats> = {},
): ModelStats {
  return {
    model,
    requests: 1,
    errors: 0,
    promptTokens: 10,
    outputTokens: 20,
    ratedRequests: 1,
    meanTokensPerSecond: 40,
    p50TokensPerSecond: 40,
    p95TokensPerSecond: 40,
    lastSeen: "2025-01-01T00:00:00.000Z",
    ...overrides,
  };
}

/** Builds a snapshot with no requests unless `recent` and `models` are given. */
export function makeSnapshot(
  parts: {
    proxy?: Partial<ProxyStatus>;
    recent?: RequestRecord[];
    models?: ModelStats[];
  } = {},
): Snapshot {
  return {
    takenAt: "2025-01-01T01:00:00.000Z",
    proxy: makeProxyStatus(parts.proxy),
    recent: parts.recent ?? [],
    models: parts.models ?? [],
    percentiles: { p50: null, p95: null, samples: 0 },
    series: [],
    gpu: { samples: [], series: [] },
    totals: {
      requests: parts.recent?.length ?? 0,
      promptTokens: 0,
      outputTokens: 0,
      errors: 0,
      aborted: 0,
      since: "2025-01-01T00:00:00.000Z",
    },
    loadedModels: [],
    history: {
      enabled: false,
      path: null,
      loaded: 0,
      skipped: 0,
      lastError: null,
    },
  };
}
