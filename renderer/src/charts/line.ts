/** One point of a time series: `x` in milliseconds since the epoch. */
export interface TimePoint {
  x: number;
  y: number;
}

/** One named series of a time chart, oldest point first. */
export interface Line {
  label: string;
  points: TimePoint[];
}

/** Most lines one chart draws; the rest are merged into one line. */
export const MAX_LINES = 8;

/** Most points one line keeps, so a chart's data stays bounded however long the page stays open. */
export const MAX_POINTS_PER_LINE = 300;

/** Label of the line that gathers the series beyond `MAX_LINES`. */
export const OTHERS_LABEL = "others";

/**
 * Keeps the busiest `MAX_LINES - 1` lines, merges the rest into one, and
 * keeps the latest `MAX_POINTS_PER_LINE` points of each.
 */
export function limitLines(lines: readonly Line[]): Line[] {
  let kept = [...lines];

  if (kept.length > MAX_LINES) {
    kept.sort((a, b) => b.points.length - a.points.length);
    const rest = kept.splice(MAX_LINES - 1);
    const merged = rest
      .flatMap((line) => line.points)
      .sort((a, b) => a.x - b.x);
    kept = [...kept, { label: OTHERS_LABEL, points: merged }];
  }

  return kept.map((line) => ({
    label: line.label,
    points: line.points.slice(-MAX_POINTS_PER_LINE),
  }));
}

/** Groups items into lines by a name, in the order given, skipping items without a value. */
export function groupLines<T>(
  items: readonly T[],
  nameOf: (item: T) => string,
  pointOf: (item: T) => TimePoint | null,
): Line[] {
  const byName = new Map<string, TimePoint[]>();

  for (const item of items) {
    const point = pointOf(item);
    if (point === null) continue;

    const name = nameOf(item);
    let points = byName.get(name);
    if (!points) {
      points = [];
      byName.set(name, points);
    }
    points.push(point);
  }

  return [...byName].map(([label, points]) => ({ label, points }));
}
