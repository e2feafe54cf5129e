import type { ClientRequest, IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { randomUUID } from "node:crypto";

import { describeError } from "../errors.js";
import type { Logger } from "../log.js";
import { buildRecord, type TransportOutcome } from "../record-builder.js";
import type { RequestRecord } from "../record.js";
import { createRequestTap } from "../tap/request-tap.js";
import { createResponseTap } from "../tap/response-tap.js";
import type {
  Endpoint,
  RequestFacts,
  RequestTap,
  ResponseFacts,
  ResponseTap,
} from "../tap/types.js";

/** Prompt and completion text of one request, kept only with prompt capture on. */
export interface CapturedText {
  prompt: string | null;
  completion: string | null;
}

/** Result of a finished inference exchange. */
export interface FinishedExchange {
  record: RequestRecord;
  /** Null unless prompt capture was on when the request arrived. */
  captured: CapturedText | null;
}

/**
 * The state of one forwarded request, captured when it arrives so that
 * nothing a later request does can land on this one's record: its id, its
 * timers, its taps and the upstream request it opened.
 */
export class Exchange {
  readonly id = randomUUID();
  readonly startedAt = new Date();
  readonly startedAtMs = performance.now();
  readonly path: string;
  /** Position in the forwarder's set of exchanges in flight. */
  inFlightSlot = -1;

  private requestTap: RequestTap | null;
  private responseTap: ResponseTap | null = null;
  private proxyReq: ClientRequest | null = null;
  private proxyRes: IncomingMessage | null = null;
  private upstreamEndedAtMs: number | null = null;
  private upstreamError: string | null = null;
  private clientClosed = false;
  private finished = false;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly endpoint: Endpoint | null,
    private readonly upstream: string,
    private readonly logger: Logger,
    private readonly captureText: boolean,
    private readonly onFinish: (
      exchange: Exchange,
      finished: FinishedExchange | null,
    ) => void,
  ) {
    this.path = requestPath(req.url);
    this.requestTap = endpoint
      ? createRequestTap(endpoint, { capturePrompt: captureText })
      : null;

    // Listening adds a second reader beside http-proxy's pipe; it never
    // pauses or alters the body on its way upstream.
    if (this.requestTap) {
      req.on("data", (chunk: Buffer) => this.tapRequest(chunk));
    }

    // Each of these objects emits "close" and "end" once, so a plain listener
    // suffices and saves the wrapper that `once` allocates on every request.
    res.on("close", () => this.handleClientClose());
  }

  /** Whether the client is gone, so late upstream errors belong to the hang-up. */
  get isClientClosed(): boolean {
    return this.clientClosed;
  }

  /** Bytes the response tap keeps between chunks right now. */
  tapRetainedBytes(): number {
    return this.responseTap?.retainedBytes() ?? 0;
  }

  /** Binds the upstream request, destroying it at once if the client already left. */
  attachUpstreamRequest(proxyReq: ClientRequest): void {
    this.proxyReq = proxyReq;
    if (this.clientClosed) proxyReq.destroy();
  }

  /** Starts tapping the upstream response as http-proxy pipes it to the client. */
  attachUpstreamResponse(proxyRes: IncomingMessage): void {
    this.proxyRes = proxyRes;

    if (this.endpoint) {
      this.responseTap = createResponseTap(this.endpoint, {
        contentType: headerValue(proxyRes.headers["content-type"]),
        contentLength: contentLengthOf(proxyRes),
        captureText: this.captureText,
      });
      proxyRes.on("data", (chunk: Buffer) => this.tapResponse(chunk));
    }

    proxyRes.on("end", () => {
      this.upstreamEndedAtMs = performance.now();
    });

    // The upstream closing before the end of its body is a cut stream:
    // destroy the client's response so the client sees the truncation.
    proxyRes.on("close", () => {
      if (proxyRes.complete || this.clientClosed) return;
      this.failUpstream(
        "upstream closed the connection before the response ended",
      );
      this.res.destroy();
    });
  }

  /** Records an upstream failure; the caller decides what the client gets. */
  failUpstream(message: string): void {
    this.upstreamError ??= message;
  }

  private tapRequest(chunk: Buffer): void {
    try {
      this.requestTap?.push(chunk);
    } catch (error) {
      this.dropTaps("request", error);
    }
  }

  private tapResponse(chunk: Buffer): void {
    try {
      this.responseTap?.push(chunk, performance.now());
    } catch (error) {
      this.dropTaps("response", error);
    }
  }

  /**
   * Stops reading this exchange after a tap failure. The bytes keep flowing
   * to the client untouched, and the record keeps only what the proxy saw.
   */
  private dropTaps(side: "request" | "response", error: unknown): void {
    this.logger.error("tap failed; the request passes on without its numbers", {
      id: this.id,
      side,
      path: this.path,
      error: describeError(error),
    });
    this.requestTap = null;
    this.responseTap = null;
  }

  private handleClientClose(): void {
    const completed = this.res.writableFinished;

    if (!completed) {
      this.clientClosed = true;

      // Stop the server generating for a client that is gone.
      this.proxyReq?.destroy();
      this.proxyRes?.destroy();
    }

    // An upstream failure recorded earlier takes precedence in finish().
    this.finish(completed ? "completed" : "aborted");
  }

  private finish(transport: TransportOutcome): void {
    if (this.finished) return;
    this.finished = true;

    const endedAtMs = this.upstreamEndedAtMs ?? performance.now();
    const upstreamFailed = this.upstreamError !== null;

    if (!this.endpoint) {
      this.onFinish(this, null);
      return;
    }

    const record = buildRecord({
      id: this.id,
      method: this.req.method ?? "GET",
      path: this.path,
      endpoint: this.endpoint,
      upstream: this.upstream,
      status: this.res.headersSent ? this.res.statusCode : null,
      transport: upstreamFailed ? "upstream_error" : transport,
      transportError:
        this.upstreamError ??
        (transport === "aborted"
          ? "client closed the connection before the response ended"
          : null),
      request: this.finishRequestTap(),
      response: this.finishResponseTap(),
      startedAt: this.startedAt,
      startedAtMs: this.startedAtMs,
      endedAtMs,
    });

    const captured = this.captureText
      ? {
          prompt: this.requestTap?.capturedPrompt() ?? null,
          completion: this.responseTap?.capturedCompletion() ?? null,
        }
      : null;

    this.onFinish(this, { record, captured });
  }

  private finishRequestTap(): RequestFacts {
    try {
      return this.requestTap?.finish() ?? UNREAD_REQUEST;
    } catch (error) {
      this.logger.error("request tap failed to finish", {
        id: this.id,
        error: describeError(error),
      });
      return UNREAD_REQUEST;
    }
  }

  private finishResponseTap(): ResponseFacts | null {
    try {
      return this.responseTap?.finish() ?? null;
    } catch (error) {
      this.logger.error("response tap failed to finish", {
        id: this.id,
        error: describeError(error),
      });
      return null;
    }
  }
}

/** Request facts for a body that could not be read. */
const UNREAD_REQUEST: RequestFacts = {
  model: null,
  stream: false,
  includeUsage: false,
};

/** Returns the path of a request URL without its query string, which may carry credentials. */
export function requestPath(url: string | undefined): string {
  const raw = url ?? "/";
  const query = raw.indexOf("?");
  return query < 0 ? raw : raw.slice(0, query);
}

/** Returns a message's `Content-Length` in bytes, or null when it has none or it is not a plain number. */
function contentLengthOf(message: IncomingMessage): number | null {
  const value = message.headers["content-length"];
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : null;
}

function headerValue(value: string | string[] | undefined): string | null {
  if (Array.isArray(value)) return value[0] ?? null;
  return value ?? null;
}
