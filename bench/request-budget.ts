import type { CpuShare } from "./cpu-meter.js";
import type { RequestLoadResult } from "./load/request-load.js";
import type { Measured, Pair } from "./phases.js";

/** CPU time each benchmark process spent per request, in microseconds. */
export interface CpuPerRequest {
  upstream: number;
  proxy: number;
  load: number;
}

/**
 * The CPU time per request a proxy may use for non-streaming requests to
 * reach `ratio` of the direct rate, when the load generator, the upstream
 * and the proxy share `cores` cores and nothing else runs. All times are in
 * microseconds.
 */
export interface RequestBudget {
  ratio: number;
  cores: number;
  /** `ratio` times the direct rate. */
  requestsPerSecond: number;
  /** `cores` divided by that rate: all the CPU time one request may take. */
  totalMicros: number;
  /** Upstream and load generator per request, measured through Tokentap. */
  upstreamMicros: number;
  loadMicros: number;
  /** The rest, the proxy's budget. */
  proxyMicros: number;
  /** Tokentap's measured CPU per request. */
  tokentapMicros: number;
}

/** Turns a phase's CPU shares into CPU time per request. */
export function cpuPerRequest(
  measured: Measured<RequestLoadResult>,
): CpuPerRequest {
  const rate = measured.result.requestsPerSecond;
  const micros = (share: number) => (share * 1_000_000) / rate;
  const cpu: CpuShare = measured.cpu;
  return {
    upstream: micros(cpu.upstream),
    proxy: micros(cpu.proxy),
    load: micros(cpu.load),
  };
}

/**
 * Derives the proxy's CPU budget per request at `ratio` of the direct rate
 * from the upstream's and load generator's CPU per request through Tokentap.
 * It ignores other programs and the benchmark's parent process, so it is an
 * upper bound.
 */
export function requestBudget(
  pair: Pair<RequestLoadResult>,
  cores: number,
  ratio: number,
): RequestBudget {
  const requestsPerSecond = ratio * pair.direct.result.requestsPerSecond;
  const totalMicros = (cores * 1_000_000) / requestsPerSecond;
  const through = cpuPerRequest(pair.through);

  return {
    ratio,
    cores,
    requestsPerSecond,
    totalMicros,
    upstreamMicros: through.upstream,
    loadMicros: through.load,
    proxyMicros: totalMicros - through.upstream - through.load,
    tokentapMicros: through.proxy,
  };
}
