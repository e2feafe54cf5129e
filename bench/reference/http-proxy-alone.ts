import {
  Agent,
  createServer,
  type Server,
  type ServerResponse,
} from "node:http";
import type { Socket } from "node:net";

import httpProxy from "http-proxy";

/**
 * http-proxy 1.18 with the options Tokentap's `Forwarder` passes: a
 * keep-alive agent with `maxFreeSockets: 256`, `changeOrigin` and a target
 * object built once. It has no tap, store or metrics, so it measures what
 * http-proxy itself costs per request.
 */
export function createHttpProxyAlone(upstream: URL): Server {
  const proxy = httpProxy.createProxyServer({});
  const agent = new Agent({ keepAlive: true, maxFreeSockets: 256 });
  const target = {
    protocol: upstream.protocol,
    host: upstream.host,
    hostname: upstream.hostname,
    port: upstream.port,
    path: upstream.pathname,
  };

  proxy.on("error", (error, _req, res) => failResponse(res, error));
  // A client that hangs up mid-response is not an error of the proxy.
  proxy.on("econnreset", () => {});

  const server = createServer((req, res) =>
    proxy.web(req, res, { target, agent, changeOrigin: true }),
  );
  server.on("close", () => agent.destroy());
  return server;
}

function failResponse(res: ServerResponse | Socket, error: Error): void {
  if (!("writeHead" in res) || res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(502, { "content-type": "text/plain" });
  res.end(`the upstream failed: ${error.message}`);
}
