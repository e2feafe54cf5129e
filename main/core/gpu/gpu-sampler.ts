import type { Logger } from "../log.js";
import type { GpuSample } from "../record.js";
import { ErrorLogLimiter } from "../error-log-limiter.js";
import { GpuSampleError } from "./gpu-sample-error.js";
import { ProbeProcess } from "./probe-process.js";
import { readGpuSamples } from "./read-gpu-samples.js";
import {
  backoffIntervalMs,
  DEFAULT_GPU_SAMPLE_INTERVAL_MS,
  DEFAULT_GPU_SAMPLE_TIMEOUT_MS,
  formatSeconds,
  maxBackoffMs,
  MIN_GPU_SAMPLE_INTERVAL_MS,
  MIN_GPU_SAMPLE_TIMEOUT_MS,
  validateMilliseconds,
} from "./sampler-settings.js";

/** Options for `GpuSampler`. */
export interface GpuSamplerOptions {
  /** Time between samples in milliseconds, an integer of at least 250. Default 2000. */
  intervalMs?: number;
  /** Time one sample may take, in milliseconds, before its probe process is killed. Default 10 000. */
  sampleTimeoutMs?: number;
  logger: Logger;
  /** Receives every sample: one entry per GPU, or an empty array when none was found or the sample failed. */
  onSamples(samples: GpuSample[]): void;
  /** Environment of the probe process and the GPU tools it runs, PATH included. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Samples the GPUs on a timer through a child probe process, so the tools'
 * synchronous execs block that process and not the caller's event loop. At most one
 * sample runs at a time: a tick that finds one still running is skipped.
 * While samples find no GPU or fail, the interval doubles up to 60 s, and
 * it returns to `intervalMs` once a GPU is found. A sample that exceeds
 * `sampleTimeoutMs` or whose probe exits is logged, and the next sample
 * starts a new probe process.
 */
export class GpuSampler {
  /** Interval between samples while GPUs are found, in milliseconds. */
  readonly intervalMs: number;
  readonly sampleTimeoutMs: number;
  readonly #logger: Logger;
  readonly #onSamples: (samples: GpuSample[]) => void;
  readonly #env: NodeJS.ProcessEnv;
  readonly #errors: ErrorLogLimiter;
  #currentIntervalMs: number;
  /** Consecutive samples that found no GPU or failed. */
  #missStreak = 0;
  /** Whether the latest sample found a GPU, so "GPU found" is logged on changes only. */
  #gpuFound = false;
  /** Whether "no GPU found" was logged since a GPU was last found. */
  #noGpuLogged = false;
  #running = false;
  #timer: NodeJS.Timeout | null = null;
  #inFlight: Promise<GpuSample[]> | null = null;
  #probe: ProbeProcess | null = null;
  readonly #retiring = new Set<Promise<void>>();
  /** Incremented by `stop`, so a sample that outlives it starts no new probe. */
  #generation = 0;

  constructor(options: GpuSamplerOptions) {
    this.intervalMs = validateMilliseconds(
      "intervalMs",
      options.intervalMs ?? DEFAULT_GPU_SAMPLE_INTERVAL_MS,
      MIN_GPU_SAMPLE_INTERVAL_MS,
    );
    this.sampleTimeoutMs = validateMilliseconds(
      "sampleTimeoutMs",
      options.sampleTimeoutMs ?? DEFAULT_GPU_SAMPLE_TIMEOUT_MS,
      MIN_GPU_SAMPLE_TIMEOUT_MS,
    );
    this.#logger = options.logger;
    this.#onSamples = options.onSamples;
    this.#env = options.env ?? process.env;
    this.#errors = new ErrorLogLimiter(options.logger);
    this.#currentIntervalMs = this.intervalMs;
  }

  /** Interval in use now, in milliseconds: `intervalMs`, or longer while backing off. */
  get currentIntervalMs(): number {
    return this.#currentIntervalMs;
  }

  /** Starts sampling now and then every interval. Calling it while running does nothing. */
  start(): void {
    if (this.#running) return;

    this.#running = true;
    this.#logger.info("GPU sampler started", {
      intervalMs: this.intervalMs,
      sampleTimeoutMs: this.sampleTimeoutMs,
    });
    this.#schedule(0);
  }

  /**
   * Stops the timer, kills the probe process and the tools it runs, and
   * resolves once they have exited. A later `start` or `sampleOnce` starts
   * a new probe.
   */
  async stop(): Promise<void> {
    const wasRunning = this.#running;
    this.#running = false;
    this.#generation += 1;
    this.#clearTimer();

    if (this.#probe !== null) this.#retire(this.#probe);
    await Promise.all(this.#retiring);
    await this.#inFlight?.catch(() => undefined);

    if (wasRunning) this.#logger.info("GPU sampler stopped");
  }

  /**
   * Samples all GPUs once, passes the samples to `onSamples` and returns
   * them. While a sample runs, returns that sample's promise instead of
   * starting another. A failure is logged, delivered as an empty array and
   * rethrown, as a `GpuSampleError` for every expected cause. A sample cut
   * short by `stop` rejects with code `SAMPLER_STOPPED` and is neither
   * logged nor delivered.
   */
  sampleOnce(): Promise<GpuSample[]> {
    if (this.#inFlight !== null) return this.#inFlight;

    const sample = this.#sample().finally(() => {
      this.#inFlight = null;
    });
    this.#inFlight = sample;
    return sample;
  }

  async #sample(): Promise<GpuSample[]> {
    const generation = this.#generation;
    let probe: ProbeProcess | null = null;

    try {
      probe = await this.#acquireProbe(generation);
      const samples = await readGpuSamples(
        probe,
        this.sampleTimeoutMs,
        (error) => this.#errors.report(error.code, error.message),
      );

      this.#deliver(samples);
      this.#afterSample(samples, false);
      return samples;
    } catch (error) {
      if (isStopped(error)) throw error;

      this.#onSampleFailed(error, probe);
      throw error;
    }
  }

  async #acquireProbe(generation: number): Promise<ProbeProcess> {
    if (this.#probe !== null && !this.#probe.alive) {
      this.#errors.report(
        "PROBE_EXITED",
        "GPU probe process exited between samples; starting a new one",
        { detail: this.#probe.exitDescription },
      );
      this.#retire(this.#probe);
    }

    // An old probe and its tools are gone before a new one starts.
    await Promise.all(this.#retiring);
    if (generation !== this.#generation) {
      throw new GpuSampleError("SAMPLER_STOPPED", "GPU sampler stopped");
    }

    if (this.#probe === null) {
      this.#probe = new ProbeProcess(this.#env);
      this.#logger.debug("GPU probe process started", {
        pid: this.#probe.pid,
      });
    }
    return this.#probe;
  }

  #onSampleFailed(error: unknown, probe: ProbeProcess | null): void {
    const code = error instanceof GpuSampleError ? error.code : "UNEXPECTED";
    const message = error instanceof Error ? error.message : String(error);

    if (probe !== null && (code === "SAMPLE_TIMEOUT" || !probe.alive)) {
      this.#retire(probe);
    }
    this.#errors.report(code, "GPU sample failed", { error: message });

    this.#deliver([]);
    this.#afterSample([], true);
  }

  /** Kills `probe` and drops the sampler's reference to it. `stop` and the next probe wait for its exit. */
  #retire(probe: ProbeProcess): void {
    if (this.#probe === probe) this.#probe = null;

    const exited = probe.kill().finally(() => this.#retiring.delete(exited));
    this.#retiring.add(exited);
  }

  #deliver(samples: GpuSample[]): void {
    try {
      this.#onSamples(samples);
    } catch (error) {
      this.#errors.report("CALLBACK_FAILED", "GPU samples callback failed", {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  /** Updates the backoff after a sample that found `samples`, or failed. */
  #afterSample(samples: GpuSample[], failed: boolean): void {
    const previousIntervalMs = this.#currentIntervalMs;

    if (samples.length > 0) {
      if (!this.#gpuFound) this.#logFound(samples);
      this.#gpuFound = true;
      this.#noGpuLogged = false;
      this.#missStreak = 0;
      this.#currentIntervalMs = this.intervalMs;
    } else {
      this.#gpuFound = false;
      this.#missStreak += 1;
      this.#currentIntervalMs = backoffIntervalMs(
        this.intervalMs,
        this.#missStreak,
      );
      if (!failed && !this.#noGpuLogged) this.#logNotFound();
    }

    if (this.#currentIntervalMs !== previousIntervalMs) this.#reschedule();
  }

  #logFound(samples: GpuSample[]): void {
    this.#logger.info(
      `GPU found; sampling every ${formatSeconds(this.intervalMs)} s`,
      {
        gpus: samples.length,
        names: samples.map((sample) => sample.name).join(", "),
      },
    );
  }

  #logNotFound(): void {
    this.#noGpuLogged = true;
    this.#logger.info(
      `no GPU found; sampling every ${formatSeconds(this.#currentIntervalMs)} s, doubling up to ${formatSeconds(maxBackoffMs(this.intervalMs))} s`,
    );
  }

  #schedule(delayMs: number): void {
    this.#timer = setTimeout(() => this.#tick(), delayMs);
    // The sampler alone does not keep the process running.
    this.#timer.unref();
  }

  #reschedule(): void {
    if (!this.#running || this.#timer === null) return;

    this.#clearTimer();
    this.#schedule(this.#currentIntervalMs);
  }

  #clearTimer(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #tick(): void {
    this.#timer = null;
    if (!this.#running) return;

    this.#schedule(this.#currentIntervalMs);
    if (this.#inFlight !== null) {
      this.#logger.debug(
        "skipped a GPU sample because the previous one is still running",
      );
      return;
    }

    // Failures are logged where they are caught, in #sample.
    this.sampleOnce().catch(() => undefined);
  }
}

function isStopped(error: unknown): boolean {
  return error instanceof GpuSampleError && error.code === "SAMPLER_STOPPED";
}
