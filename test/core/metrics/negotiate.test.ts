import { describe, expect, it } from "vitest";

import { selectExpositionFormat } from "../../../main/core/metrics/negotiate.js";

describe("selectExpositionFormat", () => {
  it.each<[string | undefined, "prometheus" | "openmetrics"]>([
    [undefined, "prometheus"],
    ["", "prometheus"],
    ["*/*", "prometheus"],
    ["text/plain", "prometheus"],
    ["text/plain;version=0.0.4", "prometheus"],
    ["application/json", "prometheus"],
    ["application/openmetrics-text", "openmetrics"],
    [
      "Application/OpenMetrics-Text; version=1.0.0; charset=utf-8",
      "openmetrics",
    ],
    // The Accept header Prometheus 2.x sends by default.
    [
      "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
      "openmetrics",
    ],
    ["application/openmetrics-text;q=0.5, text/plain", "prometheus"],
    ["text/plain;q=0.2, application/openmetrics-text;q=0.9", "openmetrics"],
    ["application/openmetrics-text;q=0", "prometheus"],
    ["application/openmetrics-text;version=0.0.1", "prometheus"],
  ])("picks the format for Accept %j", (accept, expected) => {
    expect(selectExpositionFormat(accept)).toBe(expected);
  });
});
