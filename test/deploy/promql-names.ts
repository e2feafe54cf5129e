const STRING_LITERAL = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g;
const NAME_MATCHER = /__name__\s*=\s*"(tokentap_[a-zA-Z0-9_:]*)"/g;
const METRIC_NAME = /(?<![a-zA-Z0-9_:])tokentap_[a-zA-Z0-9_:]*/g;

/**
 * Returns the `tokentap_` metric names a PromQL expression (or a Grafana
 * `label_values()` query) selects: bare names outside string literals plus
 * exact `__name__="…"` matchers. Names inside other strings, such as label
 * values, are not selections and are skipped.
 */
export function metricNamesIn(expression: string): string[] {
  const names = new Set<string>();

  for (const match of expression.matchAll(NAME_MATCHER)) {
    if (match[1] !== undefined) names.add(match[1]);
  }

  const outsideStrings = expression.replace(STRING_LITERAL, '""');
  for (const match of outsideStrings.matchAll(METRIC_NAME)) names.add(match[0]);

  return [...names];
}

const HISTOGRAM_SUFFIXES = ["_bucket", "_sum", "_count"];

/** Returns the histogram family `name` belongs to when it ends in a histogram suffix, else null. */
export function histogramFamilyOf(name: string): string | null {
  const suffix = HISTOGRAM_SUFFIXES.find((ending) => name.endsWith(ending));
  return suffix === undefined ? null : name.slice(0, -suffix.length);
}

/** Returns the family name and type of each `# TYPE` line of a text exposition. */
export function familyTypes(body: string): Map<string, string> {
  const types = new Map<string, string>();

  for (const line of body.split("\n")) {
    const match = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined)
      types.set(match[1], match[2]);
  }

  return types;
}
