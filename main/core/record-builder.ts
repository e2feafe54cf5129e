import type { Outcome, RateSource, RequestRecord } from "./record.js";
import type { Endpoint, RequestFacts, ResponseFacts } from "./tap/types.js";

/** Maximum length of an error message kept on a record, in characters. */
export const MAX_ERROR_LENGTH = 500;

/**
 * Shortest time between the first and last text chunk, in milliseconds,
 * that a decode rate is measured over. Chunks that a busy event loop reads
 * in one burst arrive closer together than the server sent them, and a
 * rate over such a span is meaningless, so the whole request time is used
 * instead.
 */
export const MIN_STREAM_SPAN_MS = 50;

/** End of an exchange on the wire, before the body is judged. */
export type TransportOutcome = "completed" | "aborted" | "upstream_error";

/** Everything the proxy saw of one finished exchange. */
export interface ExchangeSummary {
  id: string;
  method: string;
  path: string;
  endpoint: Endpoint;
  upstream: string;
  /** Status sent to the client, or null when none was sent. */
  status: number | null;
  transport: TransportOutcome;
  /** Failure on the wire, for `aborted` and `upstream_error`. */
  transportError: string | null;
  request: RequestFacts;
  /** Facts the tap read, or null when no response arrived. */
  response: ResponseFacts | null;
  /** Wall-clock start, for the record's ISO times. */
  startedAt: Date;
  /** Start and end on the `performance.now()` clock, in milliseconds. */
  startedAtMs: number;
  endedAtMs: number;
}

/** Turns what the proxy and the tap saw into one request record. */
export function buildRecord(summary: ExchangeSummary): RequestRecord {
  const response = summary.response;
  const wallMs = Math.max(0, summary.endedAtMs - summary.startedAtMs);
  const outcome = judgeOutcome(summary);
  const isLoad = response?.doneReason === "load";
  const rate = outcome === "ok" && !isLoad ? decodeRate(summary, wallMs) : null;

  return {
    id: summary.id,
    startedAt: summary.startedAt.toISOString(),
    endedAt: new Date(summary.startedAt.getTime() + wallMs).toISOString(),
    method: summary.method,
    path: summary.path,
    api: summary.endpoint.api,
    endpoint: summary.endpoint.name,
    upstream: summary.upstream,
    model: response?.model ?? summary.request.model,
    status: summary.status,
    outcome,
    error: truncate(errorMessage(summary)),
    streamed: response?.streamed ?? summary.request.stream,
    promptTokens: finiteOrNull(response?.promptTokens),
    outputTokens: finiteOrNull(response?.outputTokens),
    estimated: response?.estimated ?? false,
    tokensPerSecond: rate?.tokensPerSecond ?? null,
    rateSource: rate?.source ?? null,
    ttftMs: isLoad ? null : timeToFirstToken(summary),
    totalMs: finiteOrNull(response?.serverTotalMs) ?? wallMs,
    loadMs: finiteOrNull(response?.loadMs),
    promptEvalMs: finiteOrNull(response?.promptEvalMs),
    evalMs: finiteOrNull(response?.evalMs),
    doneReason: response?.doneReason ?? null,
  };
}

function judgeOutcome(summary: ExchangeSummary): Outcome {
  if (summary.transport === "aborted") return "aborted";
  if (summary.transport === "upstream_error") return "upstream_error";
  if (summary.status !== null && summary.status >= 400) return "error";
  if (summary.response?.error) return "error";
  return "ok";
}

function errorMessage(summary: ExchangeSummary): string | null {
  if (summary.transportError) return summary.transportError;
  if (summary.response?.error) return summary.response.error;
  if (summary.status !== null && summary.status >= 400)
    return `HTTP ${summary.status}`;
  return null;
}

/**
 * Picks the decode rate, best source first. The server's own timings come
 * first. Next are the chunk arrival times: tokens after the first over the
 * time between the first and last text chunk, when that span is at least
 * `MIN_STREAM_SPAN_MS`. Last is the whole request time.
 */
function decodeRate(
  summary: ExchangeSummary,
  wallMs: number,
): { tokensPerSecond: number; source: RateSource } | null {
  const response = summary.response;
  const outputTokens = response?.outputTokens ?? null;
  if (!response || outputTokens === null || outputTokens <= 0) return null;

  const server = finiteOrNull(response.serverTokensPerSecond);
  if (server !== null && server > 0)
    return { tokensPerSecond: server, source: "server" };

  const first = response.firstTokenAtMs;
  const last = response.lastTokenAtMs;
  const spanMs = first !== null && last !== null ? last - first : 0;
  if (response.streamed && spanMs >= MIN_STREAM_SPAN_MS && outputTokens >= 2) {
    const perSecond = finiteOrNull((outputTokens - 1) / (spanMs / 1000));
    if (perSecond !== null)
      return { tokensPerSecond: perSecond, source: "stream" };
  }

  const perSecond =
    wallMs > 0 ? finiteOrNull(outputTokens / (wallMs / 1000)) : null;
  return perSecond === null
    ? null
    : { tokensPerSecond: perSecond, source: "wall" };
}

function timeToFirstToken(summary: ExchangeSummary): number | null {
  const response = summary.response;
  if (!response) return null;

  const server = finiteOrNull(response.serverTtftMs);
  if (server !== null) return server;

  // A non-streaming body arrives whole, so its first token is not observable.
  if (!response.streamed || response.firstTokenAtMs === null) return null;
  return Math.max(0, response.firstTokenAtMs - summary.startedAtMs);
}

function finiteOrNull(value: number | null | undefined): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function truncate(message: string | null): string | null {
  if (message === null || message.length <= MAX_ERROR_LENGTH) return message;
  return `${message.slice(0, MAX_ERROR_LENGTH - 1)}…`;
}
