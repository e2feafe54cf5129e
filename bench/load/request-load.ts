import { request } from "node:http";
import { performance } from "node:perf_hooks";

import { summarize, type Summary } from "../stats.js";
import { loadAgent, parseTarget, type Target } from "./target.js";

export interface RequestLoadArgs {
  /** Name of the series this round adds to, so rounds of one target add up. */
  series: string;
  url: string;
  path: string;
  concurrency: number;
  durationMs: number;
}

export interface RequestLoadResult {
  completed: number;
  failed: number;
  firstError: string | null;
  /** Wall time of all rounds together, in milliseconds. */
  elapsedMs: number;
  requestsPerSecond: number;
  latencyMs: Summary;
}

/** Latencies and failures of one target's requests, gathered over several rounds. */
export class RequestSeries {
  private readonly latencies: number[] = [];
  private failed = 0;
  private firstError: string | null = null;
  private elapsedMs = 0;

  /**
   * Keeps `concurrency` requests in flight for `durationMs`: each worker
   * sends its next request as soon as the previous response has ended. A
   * response counts as completed when its status is 200 and its body
   * matches its `content-length`.
   */
  async runRound(args: RequestLoadArgs, body: Buffer): Promise<void> {
    const target = parseTarget(args.url);
    const startedAt = performance.now();
    const deadline = startedAt + args.durationMs;

    const worker = async () => {
      while (performance.now() < deadline) {
        const sentAt = performance.now();
        try {
          await sendRequest(target, args.path, body);
          this.latencies.push(performance.now() - sentAt);
        } catch (error) {
          this.failed++;
          this.firstError ??=
            error instanceof Error ? error.message : String(error);
        }
      }
    };

    await Promise.all(Array.from({ length: args.concurrency }, worker));
    this.elapsedMs += performance.now() - startedAt;
  }

  /** Summarises every round so far. */
  result(): RequestLoadResult {
    return {
      completed: this.latencies.length,
      failed: this.failed,
      firstError: this.firstError,
      elapsedMs: this.elapsedMs,
      requestsPerSecond: this.latencies.length / (this.elapsedMs / 1000),
      latencyMs: summarize(this.latencies),
    };
  }
}

function sendRequest(
  target: Target,
  path: string,
  body: Buffer,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent: loadAgent,
        host: target.host,
        port: target.port,
        method: "POST",
        path,
        headers: {
          "content-type": "application/json",
          "content-length": body.length,
        },
      },
      (res) => {
        let received = 0;
        res.on("data", (chunk: Buffer) => {
          received += chunk.length;
        });
        res.on("error", reject);
        res.on("end", () => {
          const expected = Number(res.headers["content-length"]);
          if (res.statusCode !== 200)
            reject(new Error(`status ${res.statusCode} from ${path}`));
          else if (received !== expected)
            reject(
              new Error(
                `body of ${received} bytes from ${path}, content-length ${expected}`,
              ),
            );
          else resolve();
        });
      },
    );

    req.on("error", reject);
    req.end(body);
  });
}
