import { request, type IncomingMessage } from "node:http";
import { performance } from "node:perf_hooks";

import { loadAgent, type Target } from "./target.js";

/** The end of one stream: completed, cut after its body began, or failed before any body. */
export interface StreamOutcome {
  status: "completed" | "cut" | "failed";
  error: string | null;
  lines: number;
  /** Time from sending the request to the first body byte, in milliseconds. */
  ttfbMs: number | null;
}

export interface StreamRequest {
  target: Target;
  path: string;
  body: Buffer;
  /** Lines a whole stream has, the final `done: true` line included. */
  expectedLines: number;
  /** Receives the time between two body chunks of this stream, in milliseconds. */
  gapsMs: number[];
  /** Called after each chunk with the body bytes received so far. */
  onBytes?: (bytes: number) => void;
}

// Bytes kept from the end of a body to check its last line. The `done`
// line the benchmark's upstream sends is under 2 KB.
const TAIL_BYTES = 4096;

/**
 * Sends one streaming request and reads the NDJSON body to its end. A
 * stream is completed only when the response is complete, has every line
 * and ends with a `done: true` line.
 */
export function runStream(stream: StreamRequest): Promise<StreamOutcome> {
  return new Promise((resolve) => {
    const sentAt = performance.now();
    let ttfbMs: number | null = null;
    let lines = 0;
    let settled = false;

    const settle = (status: StreamOutcome["status"], error: string | null) => {
      if (settled) return;
      settled = true;
      resolve({ status, error, lines, ttfbMs });
    };

    const req = request(
      {
        agent: loadAgent,
        host: stream.target.host,
        port: stream.target.port,
        method: "POST",
        path: stream.path,
        headers: {
          "content-type": "application/json",
          "content-length": stream.body.length,
        },
      },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          settle("failed", `status ${res.statusCode} from ${stream.path}`);
          return;
        }

        const tail: Buffer[] = [];
        let tailBytes = 0;
        let bytes = 0;
        let lastChunkAt = 0;

        res.on("data", (chunk: Buffer) => {
          const now = performance.now();
          if (ttfbMs === null) ttfbMs = now - sentAt;
          else stream.gapsMs.push(now - lastChunkAt);
          lastChunkAt = now;

          lines += countNewlines(chunk);
          bytes += chunk.length;
          tail.push(chunk);
          tailBytes += chunk.length;
          while (
            tail.length > 1 &&
            tailBytes - (tail[0]?.length ?? 0) >= TAIL_BYTES
          ) {
            tailBytes -= tail.shift()?.length ?? 0;
          }
          stream.onBytes?.(bytes);
        });

        res.on("error", (error) => settle("cut", error.message));
        res.on("close", () =>
          settle("cut", "the response closed before its end"),
        );
        res.on("end", () =>
          settle(...judgeEnd(res, lines, stream.expectedLines, tail)),
        );
      },
    );

    req.on("error", (error) =>
      settle(ttfbMs === null ? "failed" : "cut", error.message),
    );
    req.end(stream.body);
  });
}

function judgeEnd(
  res: IncomingMessage,
  lines: number,
  expectedLines: number,
  tail: Buffer[],
): [StreamOutcome["status"], string | null] {
  if (!res.complete) return ["cut", "the response ended incomplete"];
  if (lines !== expectedLines)
    return ["cut", `${lines} lines arrived, ${expectedLines} expected`];
  if (!endsWithDoneLine(tail))
    return ["cut", "the last line is not a done: true line"];
  return ["completed", null];
}

function endsWithDoneLine(tail: Buffer[]): boolean {
  const text = Buffer.concat(tail).toString("utf8").trimEnd();
  const lastLine = text.slice(text.lastIndexOf("\n") + 1);

  try {
    return (JSON.parse(lastLine) as { done?: unknown }).done === true;
  } catch {
    return false;
  }
}

function countNewlines(chunk: Buffer): number {
  let count = 0;
  for (
    let index = chunk.indexOf(0x0a);
    index >= 0;
    index = chunk.indexOf(0x0a, index + 1)
  )
    count++;
  return count;
}
