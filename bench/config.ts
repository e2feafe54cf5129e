/**
 * Sizes of every benchmark phase. Counts and durations are bounded so that
 * a whole run, build excluded, finishes in under three minutes on two cores.
 */
export const benchConfig = {
  requests: {
    path: "/api/chat",
    concurrency: 32,
    warmupMs: 2_000,
    /**
     * Each round runs direct, through Tokentap and through each reference
     * proxy, in an order that reverses every round, so that load from other
     * programs that changes during the phase falls on all about equally.
     */
    rounds: 4,
    roundMs: 2_000,
  },
  streams: {
    path: "/api/generate",
    /** Token lines per stream, before the final `done: true` line. */
    tokenLines: 100,
    /** Pause between two lines of one stream, in milliseconds. */
    gapMs: 15,
    warmup: { concurrency: 200, total: 200 },
    levels: [
      { concurrency: 64, total: 256, references: true },
      { concurrency: 200, total: 600, references: false },
    ],
  },
  memory: {
    openStreams: 200,
    /** Token lines each held stream has sent before the upstream pauses it mid-line. */
    heldLines: 50,
  },
  core: {
    historyLoad: {
      lines: 100_000,
      /** 10,000 is the default, so that load trims and rewrites; 100,000 keeps every line. */
      maxRecords: [10_000, 100_000],
      repeats: 3,
    },
    historyAppend: {
      ratePerSecond: 1_000,
      durationMs: 5_000,
      tickMs: 10,
      maxRecords: 10_000,
      /** Lines in the file when the window opens: the trim at 20,000 falls 2.5 s into it. */
      lines: 17_500,
    },
    snapshot: { records: 1_000, gpus: 2, warmupBuilds: 200, builds: 1_000 },
    samplerStall: {
      /** The shortest interval the sampler accepts, so a new sample starts within 250 ms of the previous one's end. */
      intervalMs: 250,
      level: { concurrency: 64, total: 192 },
      pairs: 2,
    },
    graphicsStall: {
      spanMs: 4_000,
      samplerIntervalMs: 250,
      graphicsPauseMs: 500,
    },
  },
  targets: {
    /** Minimum requests per second through Tokentap, as a fraction of direct. */
    requestsRatio: 0.5,
    /** Minimum completed streams per second through Tokentap, as a fraction of direct. */
    streamsRatio: 0.8,
    /** Maximum memory the response tap may keep per open stream, in bytes. */
    tapBytesPerStream: 64 * 1024,
    /** Maximum median time of `History.load()` on a 100,000-line file, in milliseconds. */
    historyLoadMs: 1_000,
    /** Maximum event-loop delay p99 while appending to history, in milliseconds. */
    historyAppendP99Ms: 10,
    /** Maximum p99 time of one snapshot build, in milliseconds. */
    snapshotBuildP99Ms: 5,
    /** Maximum rise of the chunk gap p99 and maximum with the GPU sampler running, in milliseconds. */
    samplerAddedGapMs: 20,
  },
  /** Limit on any one command to a child process, in milliseconds. */
  commandTimeoutMs: 60_000,
  /** Limit on the whole run; past it every child is killed and the run fails. */
  runTimeoutMs: 240_000,
} as const;

/** Shape of one concurrency level of the streaming phase. */
export interface StreamLevel {
  concurrency: number;
  total: number;
  /** Whether this level also runs through the reference proxies. */
  references?: boolean;
}
