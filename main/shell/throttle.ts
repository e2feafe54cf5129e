/** A function wrapped by `throttle`. */
export interface Throttled {
  /** Runs the function now, or once at the end of the current interval when it ran less than an interval ago. */
  call(): void;
  /** Drops a pending run. */
  cancel(): void;
}

/**
 * Wraps `run` so it runs at most once per `intervalMs`: the first call runs
 * at once, and calls during the interval after it collapse into one run at
 * the interval's end, so the latest state is never left out.
 */
export function throttle(run: () => void, intervalMs: number): Throttled {
  let lastRunAt = -Infinity;
  let timer: NodeJS.Timeout | null = null;

  const runNow = () => {
    timer = null;
    lastRunAt = performance.now();
    run();
  };

  return {
    call() {
      if (timer) return;

      const wait = lastRunAt + intervalMs - performance.now();
      if (wait <= 0) {
        runNow();
        return;
      }
      timer = setTimeout(runNow, wait);
      timer.unref();
    },
    cancel() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
