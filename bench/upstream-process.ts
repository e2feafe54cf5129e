import {
  createServer,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";

import { serveCommands } from "./command-server.js";
import { chatReplyBody, generateLines } from "./ollama-bodies.js";

/**
 * The fake model server of the benchmark, alone in its process. It replies
 * to `POST /api/chat` at once with a body of about 1 KB and streams
 * `POST /api/generate` as NDJSON lines with a fixed gap, like a model
 * decoding at a steady rate.
 */

export interface UpstreamStartArgs {
  tokenLines: number;
  gapMs: number;
}

export interface UpstreamHoldArgs {
  /** Token lines sent before the stream pauses halfway through the next line. */
  heldLines: number;
}

interface HeldStream {
  res: ServerResponse;
  rest: Buffer[];
}

const chatReply = chatReplyBody();
let streamLines: Buffer[] = [];
let gapMs = 0;
let heldLines: number | null = null;
const held: HeldStream[] = [];

const server = createServer((req, res) => {
  // Ollama reads the whole request body before it replies.
  req.on("data", () => {});
  req.on("end", () => route(req, res));
});

// Longer than any pause between phases, so an idle pooled connection is
// never closed just as a client reuses it.
server.keepAliveTimeout = 120_000;

function route(req: IncomingMessage, res: ServerResponse): void {
  if (req.method === "POST" && req.url === "/api/chat") {
    res.writeHead(200, {
      "content-type": "application/json; charset=utf-8",
      "content-length": chatReply.length,
    });
    res.end(chatReply);
    return;
  }

  if (req.method === "POST" && req.url === "/api/generate") {
    res.writeHead(200, { "content-type": "application/x-ndjson" });
    writeLine(res, 0);
    return;
  }

  res.writeHead(404, { "content-type": "application/json; charset=utf-8" });
  res.end(JSON.stringify({ error: `no route for ${req.method} ${req.url}` }));
}

/** Writes line `index`, then schedules the next one `gapMs` later. */
function writeLine(res: ServerResponse, index: number): void {
  if (res.destroyed) return;

  if (heldLines !== null && index === heldLines) {
    hold(res, index);
    return;
  }

  const line = streamLines[index];
  if (line === undefined) {
    res.end();
    return;
  }

  res.write(line);
  setTimeout(() => writeLine(res, index + 1), gapMs);
}

/** Sends the first half of line `index` and keeps the rest until `release`. */
function hold(res: ServerResponse, index: number): void {
  const line = streamLines[index];
  if (line === undefined)
    throw new Error(
      `heldLines ${index} must be below the ${streamLines.length} lines of a stream`,
    );

  const half = Math.floor(line.length / 2);
  res.write(line.subarray(0, half));
  held.push({
    res,
    rest: [line.subarray(half), ...streamLines.slice(index + 1)],
  });
}

function release(): { released: number } {
  heldLines = null;
  const streams = held.splice(0);

  for (const { res, rest } of streams) {
    if (res.destroyed) continue;
    for (const part of rest) res.write(part);
    res.end();
  }

  return { released: streams.length };
}

serveCommands(
  {
    start: async (args) => {
      const options = args as UpstreamStartArgs;
      streamLines = generateLines(options.tokenLines);
      gapMs = options.gapMs;

      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => resolve());
      });
      return {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      };
    },
    hold: (args) => {
      heldLines = (args as UpstreamHoldArgs).heldLines;
      return null;
    },
    release: () => release(),
  },
  async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  },
);
