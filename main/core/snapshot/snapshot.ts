import type { ProxyStatus } from "../api/local-api.js";
import type { RequestRecord, GpuSample } from "../record.js";
import type { Store } from "../store/store.js";
import type {
  ModelStats,
  RatePercentiles,
  StoreTotals,
} from "../store/types.js";
import type { LoadedModel } from "../upstream/loaded-models.js";
import type { GpuSeries } from "./gpu-series.js";

/** Records a snapshot carries for the recent requests table. */
export const SNAPSHOT_RECENT = 50;

/** Points a snapshot carries for the decode rate and first-token charts. */
export const SNAPSHOT_SERIES = 300;

/** One request in the decode rate and time-to-first-token charts. */
export interface RequestPoint {
  /** ISO 8601 end time of the request. */
  at: string;
  model: string | null;
  tokensPerSecond: number | null;
  ttftMs: number | null;
}

/** State of the history file, for the screens. */
export interface HistoryView {
  enabled: boolean;
  path: string | null;
  /** Records preloaded from the file at start. */
  loaded: number;
  /** Unreadable lines skipped at start. */
  skipped: number;
  lastError: string | null;
}

/** Everything a screen draws, built from one read of the core's state. */
export interface Snapshot {
  /** ISO 8601 time the snapshot was built. */
  takenAt: string;
  proxy: ProxyStatus;
  /** Recent records, newest first. */
  recent: RequestRecord[];
  /** Per-model statistics, busiest first. */
  models: ModelStats[];
  percentiles: RatePercentiles;
  /** Rated or timed requests, oldest first, for charts. */
  series: RequestPoint[];
  gpu: { samples: GpuSample[]; series: GpuSeries[] };
  /** Counts since the process started. */
  totals: StoreTotals;
  /** Models loaded in the upstream's memory, from Ollama's `/api/ps`. */
  loadedModels: LoadedModel[];
  history: HistoryView;
}

/** The parts of the core a snapshot reads. */
export interface SnapshotSources {
  store: Store;
  status(): ProxyStatus;
  gpuSeries(): GpuSeries[];
  loadedModels(): LoadedModel[];
  history(): HistoryView;
}

/**
 * Builds a snapshot. Every read below is synchronous and JavaScript runs
 * one task at a time, so no record can land between two of them: the
 * snapshot is one consistent view of the store.
 */
export function buildSnapshot(
  sources: SnapshotSources,
  now = new Date(),
): Snapshot {
  const { store } = sources;
  const ring = store.recent();

  return {
    takenAt: now.toISOString(),
    proxy: sources.status(),
    recent: ring.slice(0, SNAPSHOT_RECENT) as RequestRecord[],
    models: store.byModel(),
    percentiles: store.percentiles(),
    series: requestSeries(ring),
    gpu: { samples: store.gpu(), series: sources.gpuSeries() },
    totals: store.totals(),
    loadedModels: sources.loadedModels(),
    history: sources.history(),
  };
}

/** Picks the chart points from records given newest first, returning them oldest first. */
function requestSeries(
  newestFirst: readonly Readonly<RequestRecord>[],
): RequestPoint[] {
  const points: RequestPoint[] = [];

  for (const record of newestFirst) {
    if (points.length >= SNAPSHOT_SERIES) break;
    if (record.tokensPerSecond === null && record.ttftMs === null) continue;

    points.push({
      at: record.endedAt,
      model: record.model,
      tokensPerSecond: record.tokensPerSecond,
      ttftMs: record.ttftMs,
    });
  }

  return points.reverse();
}
