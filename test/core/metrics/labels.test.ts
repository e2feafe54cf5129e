import { describe, expect, it } from "vitest";

import {
  MAX_LABEL_VALUE_LENGTH,
  ModelLabels,
  OTHER_MODEL,
  sanitizeLabelValue,
  UNKNOWN_MODEL,
} from "../../../main/core/metrics/labels.js";

describe("sanitizeLabelValue", () => {
  it("keeps short values unchanged", () => {
    expect(sanitizeLabelValue('a"b\\c\nd')).toBe('a"b\\c\nd');
  });

  it("cuts long values to the maximum length", () => {
    const value = sanitizeLabelValue("m".repeat(500));

    expect(Array.from(value)).toHaveLength(MAX_LABEL_VALUE_LENGTH);
    expect(value.endsWith("…")).toBe(true);
  });

  it("does not split a character outside the basic plane", () => {
    const value = sanitizeLabelValue("🦙".repeat(500));

    expect(value).toBe(`${"🦙".repeat(MAX_LABEL_VALUE_LENGTH - 1)}…`);
  });

  it("replaces lone surrogates", () => {
    expect(sanitizeLabelValue("a\uD800b")).toBe("a\uFFFDb");
  });
});

describe("ModelLabels", () => {
  it("maps a missing model to unknown", () => {
    expect(new ModelLabels().labelFor(null)).toBe(UNKNOWN_MODEL);
  });

  it("reports models beyond the limit as other", () => {
    const labels = new ModelLabels(2);
    labels.labelFor("a");
    labels.labelFor("b");

    expect(labels.labelFor("c")).toBe(OTHER_MODEL);
  });

  it("keeps admitted models after the limit is reached", () => {
    const labels = new ModelLabels(2);
    labels.labelFor("a");
    labels.labelFor("b");
    labels.labelFor("c");

    expect(labels.labelFor("a")).toBe("a");
  });

  it("rejects a limit of 0", () => {
    expect(() => new ModelLabels(0)).toThrow(/Invalid maxModels 0/);
  });
});
