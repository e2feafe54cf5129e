/**
 * Sizes of every benchmark phase. Counts and durations are bounded so that
 * a whole run, build excluded, finishes in about a minute on two cores.
 */
export const benchConfig = {
  requests: {
    path: "/api/chat",
    concurrency: 32,
    warmupMs: 2_000,
    /**
     * Rounds alternate direct and through Tokentap, so that load from other
     * programs that changes during the phase falls on both about equally.
     */
    rounds: 4,
    roundMs: 2_500,
  },
  streams: {
    path: "/api/generate",
    /** Token lines per stream, before the final `done: true` line. */
    tokenLines: 100,
    /** Pause between two lines of one stream, in milliseconds. */
    gapMs: 15,
    warmup: { concurrency: 200, total: 200 },
    levels: [
      { concurrency: 64, total: 256 },
      { concurrency: 200, total: 600 },
    ],
  },
  memory: {
    openStreams: 200,
    /** Token lines each held stream has sent before the upstream pauses it mid-line. */
    heldLines: 50,
  },
  targets: {
    /** Minimum requests per second through Tokentap, as a fraction of direct. */
    requestsRatio: 0.5,
    /** Minimum completed streams per second through Tokentap, as a fraction of direct. */
    streamsRatio: 0.8,
    /** Maximum memory the response tap may keep per open stream, in bytes. */
    tapBytesPerStream: 64 * 1024,
  },
  /** Limit on any one command to a child process, in milliseconds. */
  commandTimeoutMs: 60_000,
  /** Limit on the whole run; past it every child is killed and the run fails. */
  runTimeoutMs: 170_000,
} as const;

/** Shape of one concurrency level of the streaming phase. */
export interface StreamLevel {
  concurrency: number;
  total: number;
}
