import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** One request the fake upstream received. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: Buffer;
}

/** How the fake upstream answers a request. */
export type UpstreamHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
) => unknown;

/**
 * A model server stand-in on 127.0.0.1 with a free port: it records each
 * request and answers through a handler the test sets.
 */
export class FakeUpstream {
  readonly received: ReceivedRequest[] = [];
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private handler: UpstreamHandler = (_req, res) => {
    res.writeHead(404).end();
  };

  constructor() {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.once("close", () => this.sockets.delete(socket));
    });
  }

  private host = "127.0.0.1";

  /** Starts listening on loopback, on `port` when given (to restart on the same port). */
  async start(port = 0, host = "127.0.0.1"): Promise<this> {
    this.host = host;
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => resolve());
    });
    return this;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get url(): URL {
    const host = this.host.includes(":") ? `[${this.host}]` : this.host;
    return new URL(`http://${host}:${this.port}`);
  }

  /** Open TCP connections from the proxy, to check that hang-ups propagate. */
  get openSockets(): number {
    return this.sockets.size;
  }

  setHandler(handler: UpstreamHandler): void {
    this.handler = handler;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
    const body = Buffer.concat(chunks);

    this.received.push({
      method: req.method ?? "",
      url: req.url ?? "",
      headers: req.headers,
      body,
    });
    await this.handler(req, res, body);
  }
}

/** Content type a real server sends for each fixture extension. */
export function contentTypeFor(fileName: string): string {
  if (fileName.endsWith(".sse")) return "text/event-stream";
  if (fileName.endsWith(".ndjson")) return "application/x-ndjson";
  return "application/json; charset=utf-8";
}

/** Waits `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Writes `body` in the given parts, waiting `gapMs` between them and for each
 * write to be flushed, so the parts reach the proxy as separate reads.
 */
export async function writeInParts(
  res: ServerResponse,
  parts: readonly Buffer[],
  gapMs: number,
): Promise<void> {
  for (const [index, part] of parts.entries()) {
    if (index > 0 && gapMs > 0) await delay(gapMs);
    await new Promise<void>((resolve, reject) =>
      res.write(part, (error) => (error ? reject(error) : resolve())),
    );
  }
  res.end();
}

/** Splits a body after each newline, the way servers flush stream events. */
export function splitLines(body: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  let start = 0;

  for (
    let index = body.indexOf(0x0a);
    index >= 0;
    index = body.indexOf(0x0a, start)
  ) {
    parts.push(body.subarray(start, index + 1));
    start = index + 1;
  }

  if (start < body.length) parts.push(body.subarray(start));
  return parts;
}

/** Polls `condition` every 10 ms until it holds, failing after `timeoutMs`. */
export async function waitUntil(
  condition: () => boolean,
  what: string,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(10);
  }
}

/**
 * Makes `upstream` reply to every request like Ollama's /api/generate with
 * `stream: false`, for the model the request names (`fallbackModel` when it
 * names none), with 3 prompt tokens and 8 output tokens in 0.2 s.
 */
export function answerGenerate(
  upstream: FakeUpstream,
  fallbackModel = "llama3.2:3b",
): void {
  upstream.setHandler((_req, res, body) => {
    const { model } = JSON.parse(body.toString() || "{}") as { model?: string };
    res.setHeader("content-type", "application/json; charset=utf-8");
    res.end(
      JSON.stringify({
        model: model ?? fallbackModel,
        response: "ok",
        done: true,
        prompt_eval_count: 3,
        eval_count: 8,
        eval_duration: 200_000_000,
      }),
    );
  });
}
