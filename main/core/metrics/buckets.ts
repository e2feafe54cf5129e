// Bucket bounds sized for language models served on one machine. Upper
// bounds reach minutes because a cold model load can hold the first token
// and the whole request for tens of seconds, and long generations run longer.

/** Time to first token, in seconds. */
export const TTFT_BUCKETS_SECONDS = [
  0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120,
];

/** Whole request latency, in seconds. */
export const E2E_LATENCY_BUCKETS_SECONDS = [
  0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600,
];

/** Decode rate, in tokens per second, from large models on a CPU to small models on a fast GPU. */
export const DECODE_RATE_BUCKETS = [
  1, 2, 5, 10, 15, 20, 30, 40, 50, 75, 100, 150, 200, 300, 500, 1000,
];
