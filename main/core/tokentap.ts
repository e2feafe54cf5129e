import {
  clientHost,
  exposureWarning,
  formatHostPort,
  parseListenAddress,
  parseUpstreamUrl,
  type ListenAddress,
} from "./addresses.js";
import { createLocalHandler, type ProxyStatus } from "./api/local-api.js";
import { describeError, TokentapError } from "./errors.js";
import { History } from "./history/history.js";
import type { Logger } from "./log.js";
import { createMetrics, type Metrics } from "./metrics/metrics.js";
import { DEFAULT_STOP_GRACE_MS, ProxyServer } from "./proxy/proxy-server.js";
import type { GpuSample } from "./record.js";
import { DEFAULT_SETTINGS, type Settings } from "./settings/settings.js";
import type { SettingsUpdateResult } from "./settings/update-result.js";
import {
  InvalidSettingsError,
  validateSettingsPatch,
} from "./settings/validate.js";
import { GpuSeriesBuffer } from "./snapshot/gpu-series.js";
import { SnapshotHub } from "./snapshot/snapshot-hub.js";
import {
  buildSnapshot,
  type HistoryView,
  type Snapshot,
} from "./snapshot/snapshot.js";
import { CapturedTextBuffer } from "./store/captured-text.js";
import { Store } from "./store/store.js";
import { LoadedModelsPoller } from "./upstream/loaded-models.js";

/** Something that samples the GPU on a timer and hands over each round. */
export interface GpuSampling {
  start(): void;
  stop(): Promise<void>;
}

/** Creates the GPU sampler for an interval; the default samples nothing. */
export type GpuSamplerFactory = (
  intervalMs: number,
  onSamples: (samples: GpuSample[]) => void,
  logger: Logger,
) => GpuSampling;

export interface TokentapOptions {
  /** Settings to start with; missing ones take their defaults. */
  settings?: Partial<Settings>;
  /** Folder of the history file; null keeps no history whatever the settings contain. */
  dataDir: string | null;
  logger: Logger;
  connectTimeoutMs?: number;
  /** Creates the GPU sampler; without it Tokentap reports no GPU. */
  createGpuSampler?: GpuSamplerFactory;
  /**
   * Host names clients may use beyond loopback, this machine's host name and
   * the listen address, for example a DNS name Prometheus scrapes by.
   */
  allowedHosts?: readonly string[];
}

/** Settings that `applySettings` changed, and how. */
export interface AppliedSettings {
  settings: Settings;
  changed: (keyof Settings)[];
}

/**
 * The Electron-free core: the proxy with its tap, the store of recent
 * records, the Prometheus metrics, the history file, the GPU sampler and
 * the snapshots the screens draw, wired together. The CLI and the desktop
 * shell each create one.
 */
export class Tokentap {
  readonly store: Store;
  readonly metrics: Metrics;
  private readonly proxy: ProxyServer;
  private readonly logger: Logger;
  private readonly hub: SnapshotHub;
  private readonly gpuSeries = new GpuSeriesBuffer();
  private readonly loadedModels: LoadedModelsPoller;
  private readonly capturedText = new CapturedTextBuffer();
  private settings: Settings;
  private history: History | null = null;
  private historyLoaded = { loaded: 0, skipped: 0 };
  private sampler: GpuSampling | null = null;

  constructor(private readonly options: TokentapOptions) {
    this.logger = options.logger;
    this.settings = {
      ...DEFAULT_SETTINGS,
      ...validateSettingsPatch(options.settings ?? {}),
    };
    const listen = parseListenAddress(this.settings.listen);
    const upstream = parseUpstreamUrl(this.settings.upstream);

    this.store = new Store({
      capacity: this.settings.storeSize,
      logger: options.logger.child("store"),
    });

    this.metrics = createMetrics(
      {
        inFlight: () => this.proxy.inFlight,
        proxyEnabled: () => this.proxy.proxyEnabled,
        gpu: () => this.store.gpu(),
      },
      { logger: options.logger.child("metrics") },
    );

    this.hub = new SnapshotHub(
      () => this.snapshot(),
      options.logger.child("snapshot"),
    );
    this.loadedModels = new LoadedModelsPoller(
      () => this.proxy.upstream,
      options.logger.child("models"),
      () => this.hub.changed(),
    );

    this.store.onAdd((record) => {
      this.metrics.observe(record);
      this.history?.append(record);
      this.hub.changed();
    });

    this.proxy = new ProxyServer({
      listen,
      upstream,
      logger: options.logger.child("proxy"),
      connectTimeoutMs: options.connectTimeoutMs,
      allowedHosts: options.allowedHosts,
      captureText: () => this.settings.capturePrompts,
      onRecord: ({ record, captured }) => {
        if (captured) this.capturedText.set(record.id, captured);
        this.store.add(record);
      },
      handleLocal: createLocalHandler({
        logger: options.logger.child("api"),
        storeCapacity: () => this.store.capacity,
        recent: (limit) => this.capturedText.attach(this.store.recent(limit)),
        byModel: () => this.store.byModel(),
        status: () => this.status(),
        setProxyEnabled: (enabled) => this.setProxyEnabled(enabled),
        renderMetrics: (accept) => this.metrics.render(accept),
        snapshot: () => this.snapshot(),
        subscribe: (listener) => this.hub.subscribe(listener),
        watch: () => this.loadedModels.watch(),
        settings: () => this.currentSettings(),
        updateSettings: (patch) => this.updateSettings(patch),
      }),
    });
  }

  /**
   * Loads the history into the store, starts the GPU sampler and starts
   * listening. A port that cannot be bound is stored as the error to show
   * and rethrown. Everything else keeps running, so a shell can offer
   * another port through `applySettings`, and a CLI should call `stop()`.
   */
  async start(): Promise<ListenAddress> {
    await this.openHistory({ preload: true });
    this.startSampler();

    try {
      const address = await this.proxy.start();
      this.store.clearError();
      this.logStart(address);
      return address;
    } catch (error) {
      this.store.setError(error as Error);
      this.logger.error("proxy failed to start", {
        error: describeError(error),
      });
      this.hub.changed();
      throw error;
    }
  }

  /**
   * Stops accepting requests, waits up to `graceMs` for those in flight,
   * then stops sampling and writes what the history still has pending.
   */
  async stop(graceMs = DEFAULT_STOP_GRACE_MS): Promise<void> {
    await this.proxy.stop(graceMs);
    await this.sampler?.stop();
    this.sampler = null;
    this.loadedModels.stop();
    this.hub.close();
    await this.history?.close();
    this.history = null;
    this.logger.info("proxy stopped");
  }

  /** Returns a copy of the settings in force. */
  currentSettings(): Settings {
    return { ...this.settings };
  }

  /**
   * Validates and applies new settings while running: a new listen address
   * is bound before the old one is released (a taken port leaves the proxy
   * where it was and rejects), a new upstream takes the next request.
   */
  async applySettings(patch: Partial<Settings>): Promise<AppliedSettings> {
    const valid = validateSettingsPatch(patch);
    const changed = (Object.keys(valid) as (keyof Settings)[]).filter(
      (name) => valid[name] !== this.settings[name],
    );
    const next = { ...this.settings, ...valid };

    if (changed.includes("listen")) await this.rebind(next.listen);
    this.settings = next;

    if (changed.includes("upstream")) {
      this.proxy.retarget(parseUpstreamUrl(next.upstream));
      this.loadedModels.reset();
    }
    if (changed.includes("storeSize")) this.store.resize(next.storeSize);
    if (changed.includes("capturePrompts") && !next.capturePrompts) {
      this.capturedText.clear();
    }
    if (changed.includes("historyEnabled") || changed.includes("historySize")) {
      await this.history?.close();
      this.history = null;
      await this.openHistory({ preload: false });
    }
    if (changed.includes("gpuIntervalMs") && this.sampler) {
      await this.sampler.stop();
      this.startSampler();
    }

    if (changed.length > 0) {
      this.logger.info("settings applied", { changed: changed.join(",") });
      this.hub.changed();
    }
    return { settings: this.currentSettings(), changed };
  }

  /**
   * Applies a settings change and reports the outcome instead of throwing,
   * for forms: invalid values come back with one issue per setting.
   */
  async updateSettings(patch: unknown): Promise<SettingsUpdateResult> {
    try {
      const { settings, changed } = await this.applySettings(
        validateSettingsPatch(patch),
      );
      return { ok: true, settings, changed };
    } catch (error) {
      if (error instanceof InvalidSettingsError) {
        return { ok: false, message: error.message, issues: [...error.issues] };
      }
      if (error instanceof TokentapError) {
        const setting =
          error.code === "PORT_IN_USE" || error.code === "LISTEN_FAILED"
            ? "listen"
            : "(settings)";
        return {
          ok: false,
          message: error.message,
          issues: [{ setting, value: null, message: error.message }],
        };
      }
      throw error;
    }
  }

  get proxyEnabled(): boolean {
    return this.proxy.proxyEnabled;
  }

  setProxyEnabled(enabled: boolean): void {
    this.proxy.setProxyEnabled(enabled);
    this.hub.changed();
  }

  /** Bytes all open response taps hold between chunks; stays small whatever the response sizes. */
  tapRetainedBytes(): number {
    return this.proxy.tapRetainedBytes();
  }

  /** Base URL clients point at, for example `http://127.0.0.1:4321`. */
  get listenUrl(): string {
    const address = this.proxy.address;
    if (!address) {
      throw new TokentapError(
        "NOT_RUNNING",
        "the proxy is not listening; call start() first",
      );
    }
    return `http://${formatHostPort(clientHost(address.host), address.port)}`;
  }

  get metricsUrl(): string {
    return `${this.listenUrl}/metrics`;
  }

  /** Returns the proxy's state for the local API and the screens. */
  status(): ProxyStatus {
    const address = this.proxy.address;

    return {
      enabled: this.proxy.proxyEnabled,
      listenUrl: address ? this.listenUrl : null,
      upstream: this.proxy.upstream.origin,
      inFlight: this.proxy.inFlight,
      warning: address ? exposureWarning(address.host) : null,
      error: this.store.error(),
    };
  }

  /** Builds a snapshot of everything the screens show. */
  snapshot(): Snapshot {
    const snapshot = buildSnapshot({
      store: this.store,
      status: () => this.status(),
      gpuSeries: () => this.gpuSeries.read(),
      loadedModels: () => this.loadedModels.current(),
      history: () => this.historyView(),
    });
    snapshot.recent = this.capturedText.attach(snapshot.recent);
    return snapshot;
  }

  /** Sends a snapshot to `listener` now and whenever something changes; returns the unsubscribe function. */
  subscribe(listener: (snapshot: Snapshot) => void): () => void {
    return this.hub.subscribe(listener);
  }

  /** Marks that someone is looking, so the loaded models are polled; returns the release function. */
  watch(): () => void {
    return this.loadedModels.watch();
  }

  private async rebind(listen: string): Promise<void> {
    try {
      const address = await this.proxy.rebind(parseListenAddress(listen));
      this.store.clearError();
      const warning = exposureWarning(address.host);
      if (warning) this.logger.warn(warning, { listen });
    } catch (error) {
      this.store.setError(error as Error);
      this.logger.error("could not change the listen address", {
        listen,
        error: describeError(error),
      });
      this.hub.changed();
      throw error;
    }
  }

  private async openHistory({ preload }: { preload: boolean }): Promise<void> {
    const dataDir = this.options.dataDir;
    if (!this.settings.historyEnabled || dataDir === null) return;

    const history = new History({
      dataDir,
      maxRecords: this.settings.historySize,
      logger: this.logger.child("history"),
      remedy:
        "check the folder's permissions, choose another data folder, or turn history off",
    });
    this.history = history;

    const loaded = await history.load();
    if (preload) {
      this.store.preload(loaded.records);
      this.historyLoaded = {
        loaded: loaded.records.length,
        skipped: loaded.skipped,
      };
    }
  }

  private historyView(): HistoryView {
    const status = this.history?.status();

    return {
      enabled: status?.enabled ?? false,
      path: status?.path ?? null,
      loaded: this.historyLoaded.loaded,
      skipped: this.historyLoaded.skipped,
      lastError: status?.lastError ?? null,
    };
  }

  private startSampler(): void {
    const create = this.options.createGpuSampler;
    if (!create) return;

    this.sampler = create(
      this.settings.gpuIntervalMs,
      (samples) => {
        this.store.setGpu(samples);
        this.gpuSeries.add(samples);
        this.hub.changed();
      },
      this.logger.child("gpu"),
    );
    this.sampler.start();
  }

  private logStart(address: ListenAddress): void {
    this.logger.info(
      `listening on ${this.listenUrl}, forwarding to ${this.proxy.upstream.origin}, metrics at ${this.metricsUrl}`,
    );

    const warning = exposureWarning(address.host);
    if (warning)
      this.logger.warn(warning, {
        listen: formatHostPort(address.host, address.port),
      });
  }
}
