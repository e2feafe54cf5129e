import {
  Agent,
  createServer,
  request,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";

/**
 * Hop-by-hop headers, which apply to one connection only, so a proxy drops
 * them. Node's `http` sets its own `connection` and chooses
 * chunked encoding when a body has no `content-length`.
 */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/**
 * Creates the barest proxy on `node:http`: `http.createServer`, one
 * `http.request` per request over the same keep-alive agent Tokentap uses,
 * and `pipe` in both directions. A proxy built on `node:http`'s server and
 * client can do little less work per request.
 */
export function createRawNodeProxy(upstream: URL): Server {
  const agent = new Agent({ keepAlive: true, maxFreeSockets: 256 });
  const hostname = upstream.hostname;
  const port = Number(upstream.port);

  const server = createServer((req, res) => {
    const upstreamReq = request(
      {
        agent,
        hostname,
        port,
        method: req.method,
        path: req.url,
        headers: forwardHeaders(req.headers, upstream.host),
      },
      (upstreamRes) => relayResponse(upstreamRes, res),
    );

    upstreamReq.on("error", (error) => failResponse(res, error));
    // A client that leaves early should not keep the upstream busy.
    res.on("close", () => {
      if (!res.writableFinished) upstreamReq.destroy();
    });
    req.pipe(upstreamReq);
  });
  server.on("close", () => agent.destroy());
  return server;
}

function relayResponse(
  upstreamRes: IncomingMessage,
  res: ServerResponse,
): void {
  res.writeHead(
    upstreamRes.statusCode ?? 502,
    forwardHeaders(upstreamRes.headers, null),
  );
  upstreamRes.on("error", () => res.destroy());
  upstreamRes.pipe(res);
}

/** Copies end-to-end headers, with `host` set to the upstream's when given, like http-proxy's `changeOrigin`. */
function forwardHeaders(
  headers: IncomingHttpHeaders,
  host: string | null,
): IncomingHttpHeaders {
  const forwarded: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!HOP_BY_HOP.has(name)) forwarded[name] = value;
  }
  if (host !== null) forwarded.host = host;
  return forwarded;
}

function failResponse(res: ServerResponse, error: Error): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(502, { "content-type": "text/plain" });
  res.end(`the upstream failed: ${error.message}`);
}
