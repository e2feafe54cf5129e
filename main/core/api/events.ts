import type { IncomingMessage, ServerResponse } from "node:http";

import type { SnapshotListener } from "../snapshot/snapshot-hub.js";
import type { Snapshot } from "../snapshot/snapshot.js";

/** Time between heartbeat comments on an idle event stream, in milliseconds. */
export const HEARTBEAT_INTERVAL_MS = 15_000;

/** Core operations an event stream uses. */
export interface EventSource {
  subscribe(listener: SnapshotListener): () => void;
  /** Registers an interested viewer (for the loaded-models poll); returns its release. */
  watch(): () => void;
}

/**
 * Serves snapshots as server-sent events: one `snapshot` event at once, then
 * one whenever something changed (at most 4 a second), and a comment line as
 * a heartbeat so proxies and browsers keep an idle stream open.
 */
export function serveEvents(
  source: EventSource,
  req: IncomingMessage,
  res: ServerResponse,
  heartbeatMs = HEARTBEAT_INTERVAL_MS,
): void {
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-store",
    connection: "keep-alive",
    "x-accel-buffering": "no",
  });

  // A HEAD request gets the headers only and opens no stream.
  if (req.method === "HEAD") {
    res.end();
    return;
  }

  res.write("retry: 2000\n\n");

  const send = (snapshot: Snapshot) => {
    res.write(`event: snapshot\ndata: ${JSON.stringify(snapshot)}\n\n`);
  };

  const release = source.watch();
  const unsubscribe = source.subscribe(send);
  const heartbeat = setInterval(
    () => res.write(": heartbeat\n\n"),
    heartbeatMs,
  );
  heartbeat.unref();

  res.once("close", () => {
    clearInterval(heartbeat);
    unsubscribe();
    release();
  });
}
