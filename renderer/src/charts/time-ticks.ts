const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Tick spacings a time axis picks from, in milliseconds, so labels fall on round clock times. */
const STEPS = [
  SECOND,
  2 * SECOND,
  5 * SECOND,
  10 * SECOND,
  15 * SECOND,
  30 * SECOND,
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  6 * HOUR,
  12 * HOUR,
  24 * HOUR,
];

/** Shortest span a time axis shows, so a few points close together do not stretch over the chart. */
export const MIN_SPAN_MS = MINUTE;

/**
 * Returns tick values between `min` and `max` (milliseconds since the
 * epoch) on the smallest round step that keeps at most `maxTicks` of them.
 * Steps from an hour up follow UTC, which is off the local hour in zones
 * with a half-hour offset.
 */
export function timeTicks(min: number, max: number, maxTicks = 6): number[] {
  const span = Math.max(max - min, 0);
  // A span of n steps can hold n + 1 ticks when both ends fall on a step.
  const step =
    STEPS.find((candidate) => Math.floor(span / candidate) + 1 <= maxTicks) ??
    Math.ceil(span / (maxTicks - 1));

  const ticks: number[] = [];
  for (let value = Math.ceil(min / step) * step; value <= max; value += step) {
    ticks.push(value);
  }
  return ticks;
}
