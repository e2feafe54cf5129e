import { Agent } from "node:http";

/** The server a phase's requests go to: the upstream itself or Tokentap. */
export interface Target {
  host: string;
  port: number;
}

/** Parses the base URL of a server the benchmark started. */
export function parseTarget(url: string): Target {
  const parsed = new URL(url);
  if (parsed.hostname !== "127.0.0.1")
    throw new Error(
      `target ${url} is not on 127.0.0.1; the benchmark only sends to servers it started`,
    );
  return { host: parsed.hostname, port: Number(parsed.port) };
}

/**
 * The load generator's connection pool: kept-alive sockets reused across
 * phases, so that no phase measures TCP handshakes.
 */
export const loadAgent = new Agent({
  keepAlive: true,
  maxSockets: Infinity,
  maxFreeSockets: 512,
});
