import { matchEndpoint } from "../../../main/core/tap/endpoints.js";
import { createResponseTap } from "../../../main/core/tap/response-tap.js";
import type { ResponseFacts } from "../../../main/core/tap/types.js";

/**
 * Reads a response body for `POST path` through a response tap, one chunk
 * per string, chunk `i` arriving at `i` ms.
 */
export function readResponse(
  path: string,
  contentType: string | null,
  chunks: readonly (string | Buffer)[],
): ResponseFacts {
  const endpoint = matchEndpoint("POST", path);
  if (endpoint === null) throw new Error(`no endpoint for ${path}`);

  const tap = createResponseTap(endpoint, { contentType });
  chunks.forEach((chunk, i) =>
    tap.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk, i),
  );
  return tap.finish();
}

/** Formats objects as SSE `data:` events. */
export function sseEvents(...objects: readonly unknown[]): string {
  return objects
    .map((object) => `data: ${JSON.stringify(object)}\n\n`)
    .join("");
}

/** Formats objects as NDJSON lines. */
export function ndjsonLines(...objects: readonly unknown[]): string {
  return objects.map((object) => `${JSON.stringify(object)}\n`).join("");
}
