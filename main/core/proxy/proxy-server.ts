import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";

import { formatHostPort, type ListenAddress } from "../addresses.js";
import { describeError, TokentapError } from "../errors.js";
import type { Logger } from "../log.js";
import { requestPath, type FinishedExchange } from "./exchange.js";
import { Forwarder } from "./forwarder.js";
import { RequestGuard } from "./guard.js";
import { sendError } from "./json-reply.js";

/** Time streams in flight get to finish when the server stops, in milliseconds. */
export const DEFAULT_STOP_GRACE_MS = 10_000;

/**
 * Answers a request locally (`/metrics` and the `/tokentap/` namespace);
 * returns false when the path is not a local one and should be forwarded.
 */
export type LocalHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  guard: RequestGuard,
) => boolean;

export interface ProxyServerOptions {
  listen: ListenAddress;
  upstream: URL;
  logger: Logger;
  connectTimeoutMs?: number;
  handleLocal: LocalHandler;
  /** Host names beyond this machine's own that clients may use to reach the proxy. */
  allowedHosts?: readonly string[];
  /** Whether new requests keep their prompt and completion text. */
  captureText?: () => boolean;
  onRecord: (finished: FinishedExchange) => void;
}

/**
 * The HTTP server on the proxy port. It guards every request, serves the
 * local paths itself and forwards the rest while the proxy is enabled.
 */
export class ProxyServer {
  private readonly logger: Logger;
  private readonly forwarder: Forwarder;
  private server: Server | null = null;
  private guard: RequestGuard;
  private bound: ListenAddress | null = null;
  private listen: ListenAddress;
  /** Servers left behind by `rebind`, still finishing their requests. */
  private readonly retiring = new Set<Server>();
  private enabled = true;

  constructor(private readonly options: ProxyServerOptions) {
    this.logger = options.logger;
    this.listen = options.listen;
    this.guard = new RequestGuard(options.listen.host, options.allowedHosts);
    this.forwarder = new Forwarder({
      upstream: options.upstream,
      logger: options.logger,
      connectTimeoutMs: options.connectTimeoutMs,
      captureText: options.captureText,
      onRecord: options.onRecord,
    });
  }

  /** Whether new requests are forwarded; when false they get 503 and local paths are still served. */
  get proxyEnabled(): boolean {
    return this.enabled;
  }

  /** Requests forwarded and not yet finished. */
  get inFlight(): number {
    return this.forwarder.inFlight;
  }

  /** Bytes all open response taps hold between chunks. */
  tapRetainedBytes(): number {
    return this.forwarder.tapRetainedBytes();
  }

  /** The address actually bound, with the real port when port 0 was requested. */
  get address(): ListenAddress | null {
    return this.bound;
  }

  get upstream(): URL {
    return this.forwarder.upstreamUrl;
  }

  /** Switches forwarding on or off; streams already in flight finish either way. */
  setProxyEnabled(enabled: boolean): void {
    if (enabled === this.enabled) return;
    this.enabled = enabled;
    this.logger.info(enabled ? "proxy switched on" : "proxy switched off", {
      inFlight: this.inFlight,
    });
  }

  /** Points new requests at another upstream without a restart. */
  retarget(upstream: URL): void {
    this.forwarder.retarget(upstream);
    this.logger.info("upstream changed", { upstream: upstream.origin });
  }

  /** Binds the listen address; rejects with a `PORT_IN_USE` error when the port is taken. */
  async start(): Promise<ListenAddress> {
    this.server = await this.listenOn(this.listen);
    this.bound = boundAddress(this.server, this.listen.host);
    return this.bound;
  }

  /**
   * Moves the proxy to another address without a restart. The new address
   * is bound first, so a port taken by another program leaves the proxy
   * running where it was. A port this proxy holds under another name is
   * released and taken again. Connections on the old address finish their
   * requests, then close.
   */
  async rebind(listen: ListenAddress): Promise<ListenAddress> {
    const previous = this.server;
    const bound = this.bound;
    if (
      previous &&
      bound &&
      listen.host === bound.host &&
      listen.port === bound.port
    ) {
      this.listen = listen;
      return bound;
    }

    const next = await this.listenOn(listen).catch((error: unknown) => {
      // The port may be taken by this very proxy under another name
      // (localhost for 127.0.0.1, or a wildcard bind): release it and retry.
      const ours =
        isPortInUse(error) && previous !== null && bound?.port === listen.port;
      if (!ours) throw error;
      return this.takeOverPort(previous, listen);
    });

    this.server = next;
    this.listen = listen;
    this.guard = new RequestGuard(listen.host, this.options.allowedHosts);
    this.bound = boundAddress(next, listen.host);
    this.logger.info("listen address changed", {
      listen: formatHostPort(this.bound.host, this.bound.port),
    });

    if (previous) void this.retire(previous);
    return this.bound;
  }

  /**
   * Stops `previous` listening so its port is free, then binds `listen`.
   * When that fails, the old address is bound again and the error rethrown.
   */
  private async takeOverPort(
    previous: Server,
    listen: ListenAddress,
  ): Promise<Server> {
    previous.close();
    this.retiring.add(previous);

    try {
      return await this.listenOn(listen);
    } catch (error) {
      this.retiring.delete(previous);
      this.server = await this.listenOn(this.listen);
      this.bound = boundAddress(this.server, this.listen.host);
      throw error;
    }
  }

  private async listenOn(listen: ListenAddress): Promise<Server> {
    const { host, port } = listen;
    const server = createServer((req, res) => this.route(req, res));

    await new Promise<void>((resolve, reject) => {
      server.once("error", (error) => reject(listenError(error, host, port)));
      server.listen(port, host, () => resolve());
    });

    server.on("error", (error) =>
      this.logger.error("server error", { error: describeError(error) }),
    );
    server.on("clientError", (error: NodeJS.ErrnoException, socket) => {
      this.logger.debug("malformed client request", {
        error: describeError(error),
      });
      // Send an error status while the socket can still take one, as Node's default handler does.
      if (socket.writable && !socket.writableEnded) {
        const status =
          error.code === "HPE_HEADER_OVERFLOW"
            ? "431 Request Header Fields Too Large"
            : "400 Bad Request";
        socket.end(
          `HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
        );
      } else {
        socket.destroy();
      }
    });

    return server;
  }

  /** Closes a server that no longer takes connections once its requests have finished. */
  private async retire(server: Server): Promise<void> {
    const closed = new Promise<void>((resolve) =>
      server.close(() => resolve()),
    );

    // Keep-alive connections go idle between requests; close them as they do.
    const sweep = setInterval(() => server.closeIdleConnections(), 500);
    sweep.unref();
    server.closeIdleConnections();
    this.retiring.add(server);

    await waitOrTimeout(closed, DEFAULT_STOP_GRACE_MS);
    clearInterval(sweep);
    server.closeAllConnections();
    this.retiring.delete(server);
  }

  /**
   * Stops accepting connections, lets requests in flight finish for up to
   * `graceMs`, then cuts what is left and closes the upstream connections.
   */
  async stop(graceMs = DEFAULT_STOP_GRACE_MS): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;

    const closed = new Promise<void>((resolve) =>
      server.close(() => resolve()),
    );
    server.closeIdleConnections();

    const inFlight = this.forwarder.inFlight;
    if (inFlight > 0)
      this.logger.info("waiting for requests in flight", { inFlight, graceMs });

    const timedOut = await waitOrTimeout(this.forwarder.drain(), graceMs);
    if (timedOut) {
      this.logger.warn("grace period ended; cutting requests still in flight", {
        inFlight: this.forwarder.inFlight,
      });
      this.forwarder.destroyAll();
    }

    server.closeAllConnections();
    for (const old of this.retiring) old.closeAllConnections();
    this.forwarder.close();
    await closed;
    this.bound = null;
  }

  private route(req: IncomingMessage, res: ServerResponse): void {
    const rejection = this.guard.check(req);
    if (rejection) {
      this.logger.warn("request rejected", {
        reason: rejection.reason,
        path: requestPath(req.url),
      });
      sendError(res, 403, rejection.message);
      return;
    }

    if (this.options.handleLocal(req, res, this.guard)) return;

    if (!this.enabled) {
      sendError(
        res,
        503,
        'the Tokentap proxy is switched off; switch it on in the Tokentap tray menu or dashboard, or POST {"enabled": true} to /tokentap/api/proxy',
      );
      return;
    }

    this.forwarder.forward(req, res);
  }
}

function listenError(
  error: NodeJS.ErrnoException,
  host: string,
  port: number,
): Error {
  const address = formatHostPort(host, port);

  if (error.code === "EADDRINUSE") {
    return new TokentapError(
      "PORT_IN_USE",
      `port ${port} on ${host} is already in use; choose another listen port (for example ${formatHostPort(host, port + 1)}) or stop the program using it`,
      { cause: error },
    );
  }

  if (error.code === "EACCES") {
    return new TokentapError(
      "LISTEN_FAILED",
      `permission denied listening on ${address}; choose a port above 1023`,
      { cause: error },
    );
  }

  if (error.code === "EADDRNOTAVAIL" || error.code === "ENOTFOUND") {
    return new TokentapError(
      "LISTEN_FAILED",
      `cannot listen on ${address}: the host is not an address of this machine; use 127.0.0.1 or an address this machine has`,
      { cause: error },
    );
  }

  return new TokentapError(
    "LISTEN_FAILED",
    `cannot listen on ${address}: ${describeError(error)}`,
    {
      cause: error,
    },
  );
}

function isPortInUse(error: unknown): boolean {
  return error instanceof TokentapError && error.code === "PORT_IN_USE";
}

function boundAddress(server: Server, host: string): ListenAddress {
  return { host, port: (server.address() as AddressInfo).port };
}

async function waitOrTimeout(
  done: Promise<void>,
  timeoutMs: number,
): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), timeoutMs);
  });

  try {
    return await Promise.race([done.then(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
