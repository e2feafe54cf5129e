import {
  formatHostPort,
  isLoopbackHost,
  type ListenAddress,
} from "./addresses.js";
import { createLocalHandler, type ProxyStatus } from "./api/local-api.js";
import { describeError, TokentapError } from "./errors.js";
import type { Logger } from "./log.js";
import { createMetrics, type Metrics } from "./metrics/metrics.js";
import { DEFAULT_STOP_GRACE_MS, ProxyServer } from "./proxy/proxy-server.js";
import type { RequestRecord } from "./record.js";
import { Store } from "./store/store.js";

export interface TokentapOptions {
  listen: ListenAddress;
  upstream: URL;
  logger: Logger;
  /** Records kept in memory for the read API and screens. */
  storeSize?: number;
  connectTimeoutMs?: number;
}

/**
 * The Electron-free core: the proxy with its tap, the store of recent
 * records and the Prometheus metrics, wired together. The CLI and the
 * desktop shell each create one.
 */
export class Tokentap {
  readonly store: Store;
  readonly metrics: Metrics;
  private readonly proxy: ProxyServer;
  private readonly logger: Logger;

  constructor(private readonly options: TokentapOptions) {
    this.logger = options.logger;
    this.store = new Store({
      capacity: options.storeSize,
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
    this.store.onAdd((record) => this.metrics.observe(record));

    this.proxy = new ProxyServer({
      listen: options.listen,
      upstream: options.upstream,
      logger: options.logger.child("proxy"),
      connectTimeoutMs: options.connectTimeoutMs,
      onRecord: (record) => this.store.add(record),
      handleLocal: createLocalHandler({
        logger: options.logger.child("api"),
        storeCapacity: () => this.store.capacity,
        recent: (limit) => this.store.recent(limit) as RequestRecord[],
        byModel: () => this.store.byModel(),
        status: () => this.status(),
        setProxyEnabled: (enabled) => this.setProxyEnabled(enabled),
        renderMetrics: (accept) => this.metrics.render(accept),
      }),
    });
  }

  /** Starts listening; a taken port is stored as the error to show and rethrown. */
  async start(): Promise<ListenAddress> {
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
      throw error;
    }
  }

  /** Stops accepting requests and waits up to `graceMs` for those in flight. */
  async stop(graceMs = DEFAULT_STOP_GRACE_MS): Promise<void> {
    await this.proxy.stop(graceMs);
    this.logger.info("proxy stopped");
  }

  get proxyEnabled(): boolean {
    return this.proxy.proxyEnabled;
  }

  setProxyEnabled(enabled: boolean): void {
    this.proxy.setProxyEnabled(enabled);
  }

  /** Bytes all open response taps hold between chunks; stays small whatever the response sizes. */
  tapRetainedBytes(): number {
    return this.proxy.tapRetainedBytes();
  }

  /** Base URL clients point at, for example `http://127.0.0.1:4321`. */
  get listenUrl(): string {
    const address = this.proxy.address;
    if (!address)
      throw new TokentapError(
        "NOT_RUNNING",
        "the proxy is not listening; call start() first",
      );
    return `http://${formatHostPort(clientHost(address.host), address.port)}`;
  }

  get metricsUrl(): string {
    return `${this.listenUrl}/metrics`;
  }

  /** The proxy's state for the local API and the screens. */
  status(): ProxyStatus {
    const address = this.proxy.address;

    return {
      enabled: this.proxy.proxyEnabled,
      listenUrl: address ? this.listenUrl : null,
      upstream: this.proxy.upstream.origin,
      inFlight: this.proxy.inFlight,
      warning: exposureWarning(this.options.listen.host),
      error: this.store.error(),
    };
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

/** Explains the risk of listening beyond loopback, or returns null. */
export function exposureWarning(host: string): string | null {
  if (isLoopbackHost(host)) return null;
  return `listening on ${host}, beyond loopback: anyone who can reach this port can use the model server through plain HTTP without authentication`;
}

/** A wildcard bind is reached from this machine through loopback. */
function clientHost(host: string): string {
  if (host === "0.0.0.0" || host === "") return "127.0.0.1";
  if (host === "::") return "::1";
  return host;
}
