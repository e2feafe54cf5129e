import {
  Agent as HttpAgent,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import { Agent as HttpsAgent } from "node:https";
import type { Socket } from "node:net";

import httpProxy from "http-proxy";

import { ErrorLogLimiter } from "../error-log-limiter.js";
import { describeError } from "../errors.js";
import type { Logger } from "../log.js";
import { matchEndpoint } from "../tap/endpoints.js";
import { Exchange, requestPath, type FinishedExchange } from "./exchange.js";
import { InFlight } from "./in-flight.js";
import { sendError } from "./json-reply.js";

/** Time allowed to open a TCP connection to the upstream, in milliseconds. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

/** Time during which repeats of one upstream failure code are counted, not logged. */
const UPSTREAM_ERROR_LOG_WINDOW_MS = 10_000;

export interface ForwarderOptions {
  upstream: URL;
  logger: Logger;
  connectTimeoutMs?: number;
  /** Whether new requests keep their prompt and completion text; read per request. */
  captureText?: () => boolean;
  /** Receives one record per tapped inference request, once it has ended. */
  onRecord: (finished: FinishedExchange) => void;
}

/**
 * Forwards requests to the upstream through http-proxy over a keep-alive
 * agent, tapping inference endpoints as the bytes pass. There is no read
 * timeout, because a generation can stream for minutes; only connecting is
 * timed.
 */
export class Forwarder {
  private readonly proxy = httpProxy.createProxyServer({});
  private readonly open = new InFlight<Exchange>();
  private readonly drainWaiters: Array<() => void> = [];
  private readonly errorLog: ErrorLogLimiter;
  private readonly connectTimeoutMs: number;
  private upstream: URL;
  /** The upstream as http-proxy reads it, built once: a string target is parsed again on every request. */
  private target: ProxyTarget;
  /** `upstream.origin`, which URL computes anew on every read. */
  private upstreamOrigin: string;
  private agent: HttpAgent;

  constructor(private readonly options: ForwarderOptions) {
    // A dead upstream under load fails every request: log each cause once per 10 s.
    this.errorLog = new ErrorLogLimiter(
      options.logger,
      UPSTREAM_ERROR_LOG_WINDOW_MS,
    );
    this.upstream = options.upstream;
    this.target = toProxyTarget(options.upstream);
    this.upstreamOrigin = options.upstream.origin;
    this.agent = createAgent(options.upstream);
    this.connectTimeoutMs =
      options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;

    this.proxy.on("proxyReq", (proxyReq, req) => {
      const exchange = exchangeOf(req);
      exchange?.attachUpstreamRequest(proxyReq);
      if (proxyReq.socket) this.timeConnect(proxyReq.socket, exchange);
    });

    this.proxy.on("proxyRes", (proxyRes, req) => {
      exchangeOf(req)?.attachUpstreamResponse(proxyRes);
    });

    this.proxy.on("error", (error, req, res) =>
      this.handleError(error, req, res),
    );

    // http-proxy reports a reset caused by the client leaving here; the
    // exchange already recorded the hang-up.
    this.proxy.on("econnreset", () => {});
  }

  /** Requests forwarded and not yet finished, tapped or not. */
  get inFlight(): number {
    return this.open.size;
  }

  /** Bytes all open response taps hold between chunks, the proxy's per-stream memory cost. */
  tapRetainedBytes(): number {
    let total = 0;
    for (const exchange of this.open.values())
      total += exchange.tapRetainedBytes();
    return total;
  }

  /** The upstream origin new requests go to. */
  get upstreamUrl(): URL {
    return this.upstream;
  }

  /** Points new requests at another upstream; requests in flight keep theirs. */
  retarget(upstream: URL): void {
    const previous = this.agent;
    this.upstream = upstream;
    this.target = toProxyTarget(upstream);
    this.upstreamOrigin = upstream.origin;
    this.agent = createAgent(upstream);

    // Idle sockets to the old upstream are closed; busy ones finish first.
    previous.destroy();
  }

  /** Forwards one request and its response, byte for byte. */
  forward(req: IncomingMessage, res: ServerResponse): void {
    const endpoint = matchEndpoint(req.method ?? "GET", requestPath(req.url));
    const upstream = this.upstreamOrigin;

    const exchange = new Exchange(
      req,
      res,
      endpoint,
      upstream,
      this.options.logger,
      this.options.captureText?.() ?? false,
      (done, finished) => this.settle(done, finished),
    );
    (req as TrackedRequest)[EXCHANGE] = exchange;
    this.open.add(exchange);

    // The tap reads plain bytes, so tapped requests ask the upstream not to
    // compress. This is the one header Tokentap changes on the way through.
    const headers: Record<string, string> = endpoint
      ? { "accept-encoding": "identity" }
      : {};

    this.proxy.web(req, res, {
      target: this.target,
      agent: this.agent,
      changeOrigin: true,
      headers,
    });
  }

  /** Resolves once every forwarded request has finished. */
  drain(): Promise<void> {
    if (this.open.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Ends every request still in flight, for a stop whose grace period ran out. */
  destroyAll(): void {
    for (const exchange of this.open.values()) exchange.res.destroy();
  }

  /** Closes the connections kept alive to the upstream. */
  close(): void {
    this.agent.destroy();
    this.proxy.close();
  }

  private settle(exchange: Exchange, finished: FinishedExchange | null): void {
    this.open.delete(exchange);
    (exchange.req as TrackedRequest)[EXCHANGE] = undefined;
    if (finished) this.options.onRecord(finished);

    if (this.open.size === 0) {
      for (const resolve of this.drainWaiters.splice(0)) resolve();
    }
  }

  private timeConnect(socket: Socket, exchange: Exchange | undefined): void {
    if (!socket.connecting) return;

    const timer = setTimeout(() => {
      const error = Object.assign(
        new Error(`connecting timed out after ${this.connectTimeoutMs} ms`),
        { code: "ETIMEDOUT" },
      );
      exchange?.failUpstream(this.upstreamMessage(error));
      socket.destroy(error);
    }, this.connectTimeoutMs);

    socket.once("connect", () => clearTimeout(timer));
    socket.once("close", () => clearTimeout(timer));
  }

  private handleError(
    error: Error,
    req: IncomingMessage,
    res: ServerResponse | Socket,
  ): void {
    // A settled exchange has already recorded its end (the response or the
    // client's hang-up), so the error reaches no client and no record.
    const exchange = exchangeOf(req);
    if (!exchange) {
      this.options.logger.debug("upstream error after the request ended", {
        path: requestPath(req.url),
        error: describeError(error),
      });
      return;
    }
    if (exchange.isClientClosed) return;

    const message = this.upstreamMessage(error);
    exchange.failUpstream(message);
    this.errorLog.report(
      (error as NodeJS.ErrnoException).code ?? "UPSTREAM_ERROR",
      "upstream request failed",
      { id: exchange.id, path: exchange.path, error: message },
    );

    if (!("writeHead" in res)) {
      res.destroy();
      return;
    }

    if (res.headersSent) {
      // Part of the body already went out: cut the client's stream too.
      res.destroy();
      return;
    }

    sendError(res, 502, message);
  }

  private upstreamMessage(error: Error): string {
    return `Tokentap could not reach the upstream server ${this.upstream.origin}: ${describeError(error)}; check that the server is running, or point Tokentap at it with --upstream`;
  }
}

/**
 * The exchange of a client request while it is in flight, kept on the
 * request itself because http-proxy's events give only the request. A
 * WeakMap or Map from requests to exchanges made V8 promote every request's
 * objects to the old generation (see `InFlight`).
 */
const EXCHANGE = Symbol("tokentap.exchange");

type TrackedRequest = IncomingMessage & { [EXCHANGE]?: Exchange | undefined };

function exchangeOf(req: IncomingMessage): Exchange | undefined {
  return (req as TrackedRequest)[EXCHANGE];
}

/** The fields of a legacy `url.parse` result that http-proxy reads from its target. */
interface ProxyTarget {
  protocol: string;
  host: string;
  hostname: string;
  port: string;
  path: string;
}

function toProxyTarget(url: URL): ProxyTarget {
  return {
    protocol: url.protocol,
    host: url.host,
    // node:http wants an IPv6 literal without the brackets URL keeps.
    hostname: url.hostname.replace(/^\[|\]$/g, ""),
    port: url.port,
    path: url.pathname,
  };
}

function createAgent(upstream: URL): HttpAgent {
  const options = { keepAlive: true, maxFreeSockets: 256 };
  return upstream.protocol === "https:"
    ? new HttpsAgent(options)
    : new HttpAgent(options);
}
