/** Memory of a process after a full garbage collection, in bytes. */
export interface MemorySample {
  heapUsed: number;
  /** Memory of ArrayBuffers and Buffers, which lives outside the V8 heap. */
  arrayBuffers: number;
  rss: number;
}

/**
 * Collects garbage twice, a turn of the event loop apart so that weak
 * callbacks run in between, then samples memory. Needs `--expose-gc`.
 */
export async function sampleMemoryAfterGc(): Promise<MemorySample> {
  const gc = globalThis.gc;
  if (!gc)
    throw new Error(
      "global.gc is missing; start this process with node --expose-gc",
    );

  gc();
  await new Promise((resolve) => setImmediate(resolve));
  gc();

  const usage = process.memoryUsage();
  return {
    heapUsed: usage.heapUsed,
    arrayBuffers: usage.arrayBuffers,
    rss: usage.rss,
  };
}

/** Growth from `before` to `after`, divided by `count`, in bytes. */
export function growthPer(
  before: MemorySample,
  after: MemorySample,
  count: number,
): MemorySample {
  return {
    heapUsed: (after.heapUsed - before.heapUsed) / count,
    arrayBuffers: (after.arrayBuffers - before.arrayBuffers) / count,
    rss: (after.rss - before.rss) / count,
  };
}
