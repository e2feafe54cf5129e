/** Maximum label value length, in code points. Longer values are cut and end in "…". */
export const MAX_LABEL_VALUE_LENGTH = 128;

/** Label value for records that named no model. */
export const UNKNOWN_MODEL = "unknown";

/** Label value for models beyond the distinct-model limit. */
export const OTHER_MODEL = "other";

/** Default number of distinct model label values before further models become "other". */
export const DEFAULT_MAX_MODEL_LABELS = 100;

const LONE_SURROGATE =
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const ANY_SURROGATE = /[\uD800-\uDFFF]/;

/**
 * Returns `value` fit for a label: lone UTF-16 surrogates become U+FFFD so
 * the UTF-8 output stays valid, and values longer than
 * `MAX_LABEL_VALUE_LENGTH` code points are cut. Quotes, backslashes and line
 * breaks are left for prom-client to escape.
 */
export function sanitizeLabelValue(value: string): string {
  // A short value without surrogates needs no change, and most values are such.
  if (value.length <= MAX_LABEL_VALUE_LENGTH && !ANY_SURROGATE.test(value))
    return value;

  const wellFormed = value.replace(LONE_SURROGATE, "\uFFFD");
  const codePoints = Array.from(wellFormed);
  if (codePoints.length <= MAX_LABEL_VALUE_LENGTH) return wellFormed;

  return `${codePoints.slice(0, MAX_LABEL_VALUE_LENGTH - 1).join("")}…`;
}

/**
 * Maps model names to `model` label values with bounded cardinality: the
 * first `maxModels` distinct names keep their own value for the life of the
 * process, and later ones are all reported as "other". A real model named
 * "unknown" or "other" shares its series with those buckets.
 */
export class ModelLabels {
  readonly maxModels: number;
  readonly #known = new Set<string>();

  constructor(maxModels: number = DEFAULT_MAX_MODEL_LABELS) {
    if (!Number.isInteger(maxModels) || maxModels < 1) {
      throw new RangeError(
        `Invalid maxModels ${String(maxModels)}: expected a positive integer such as ${DEFAULT_MAX_MODEL_LABELS}.`,
      );
    }

    this.maxModels = maxModels;
  }

  /** Returns the label value for `model`, admitting it as a new value while there is room. */
  labelFor(model: string | null): string {
    if (model === null || model === "") return UNKNOWN_MODEL;

    const value = sanitizeLabelValue(model);
    if (this.#known.has(value)) return value;
    if (this.#known.size >= this.maxModels) return OTHER_MODEL;

    this.#known.add(value);
    return value;
  }
}
