/** Exposition format of a `/metrics` response. */
export type ExpositionFormat = "prometheus" | "openmetrics";

/**
 * Picks the exposition format for an `Accept` header. OpenMetrics is chosen
 * when the header lists `application/openmetrics-text` (version 1.0.0 or no
 * version, which is what prom-client writes) with a quality at least as high
 * as any range that matches `text/plain`. Everything else, including a
 * missing header, gets the Prometheus text format 0.0.4.
 */
export function selectExpositionFormat(
  accept: string | undefined,
): ExpositionFormat {
  if (accept === undefined) return "prometheus";

  let openMetricsQuality = 0;
  let textQuality = 0;

  for (const range of accept.split(",")) {
    const [mediaType = "", ...parameters] = range
      .split(";")
      .map((part) => part.trim());
    const params = parseParameters(parameters);
    const quality = parseQuality(params.get("q"));
    const type = mediaType.toLowerCase();

    if (type === "application/openmetrics-text") {
      const version = params.get("version");
      if (version === undefined || version === "1.0.0") {
        openMetricsQuality = Math.max(openMetricsQuality, quality);
      }
    } else if (type === "text/plain" || type === "text/*" || type === "*/*") {
      textQuality = Math.max(textQuality, quality);
    }
  }

  return openMetricsQuality > 0 && openMetricsQuality >= textQuality
    ? "openmetrics"
    : "prometheus";
}

function parseParameters(parameters: readonly string[]): Map<string, string> {
  const parsed = new Map<string, string>();

  for (const parameter of parameters) {
    const separator = parameter.indexOf("=");
    if (separator < 0) continue;

    const name = parameter.slice(0, separator).trim().toLowerCase();
    const value = parameter
      .slice(separator + 1)
      .trim()
      .replace(/^"(.*)"$/, "$1");
    parsed.set(name, value);
  }

  return parsed;
}

/** Returns the `q` weight from 0 to 1. A missing one is 1, the RFC 9110 default, and a malformed one is read as 1 too. */
function parseQuality(value: string | undefined): number {
  if (value === undefined) return 1;

  const quality = Number(value);
  if (!Number.isFinite(quality)) return 1;

  return Math.min(1, Math.max(0, quality));
}
