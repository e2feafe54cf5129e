import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";

/** Sampling period of the event-loop delay histograms, in milliseconds. */
export const LOOP_DELAY_RESOLUTION_MS = 1;

/** How late the event loop ran, in milliseconds beyond the sampling period. */
export interface LoopDelay {
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/**
 * The event-loop delay of this process over one or more spans, from
 * `monitorEventLoopDelay` with a period of `LOOP_DELAY_RESOLUTION_MS`. Each
 * sample is the time between two firings of its timer, so the period is
 * subtracted to leave the delay. One stall is one sample however long it
 * lasts: a 2 s stall shows in the maximum and barely moves p99.
 */
export class LoopDelaySeries {
  readonly #spans: LoopDelay[] = [];
  #histogram: IntervalHistogram | null = null;

  /** Starts a span with a new histogram. */
  start(): void {
    if (this.#histogram)
      throw new Error(
        "an event-loop delay span is already running; call stop first",
      );

    this.#histogram = monitorEventLoopDelay({
      resolution: LOOP_DELAY_RESOLUTION_MS,
    });
    this.#histogram.enable();
  }

  /** Ends the span and keeps its summary. */
  stop(): void {
    const histogram = this.#histogram;
    if (!histogram)
      throw new Error("no event-loop delay span is running; call start first");

    histogram.disable();
    this.#histogram = null;
    this.#spans.push({
      samples: histogram.count,
      p50Ms: delayMs(histogram.percentile(50)),
      p99Ms: delayMs(histogram.percentile(99)),
      maxMs: delayMs(histogram.max),
    });
  }

  /**
   * Summarises the spans so far: the sample count is the sum, and each
   * percentile and the maximum is that of the worst span. Node 20 cannot
   * merge an event-loop histogram into another, and re-enabling one would
   * record the pause between spans as a delay.
   */
  summary(): LoopDelay {
    const worst = (pick: (span: LoopDelay) => number) =>
      Math.max(0, ...this.#spans.map(pick));

    return {
      samples: this.#spans.reduce((sum, span) => sum + span.samples, 0),
      p50Ms: worst((span) => span.p50Ms),
      p99Ms: worst((span) => span.p99Ms),
      maxMs: worst((span) => span.maxMs),
    };
  }
}

/** Measures the event-loop delay while `run` runs. */
export async function measureLoopDelay<T>(
  run: () => Promise<T>,
): Promise<{ result: T; delay: LoopDelay }> {
  const series = new LoopDelaySeries();
  series.start();

  let result: T;
  try {
    result = await run();
  } finally {
    series.stop();
  }
  return { result, delay: series.summary() };
}

function delayMs(nanoseconds: number): number {
  return Math.max(0, nanoseconds / 1e6 - LOOP_DELAY_RESOLUTION_MS);
}
