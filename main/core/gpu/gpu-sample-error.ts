/** Codes of the ways one GPU sample can fail. */
export type GpuSampleErrorCode =
  /** The sample took longer than the sample timeout; the probe process is killed and replaced. */
  | "SAMPLE_TIMEOUT"
  /** The probe process exited or was killed by something else while a sample ran. */
  | "PROBE_EXITED"
  /** The probe process could not be started, or it replied with an error or a malformed message. */
  | "PROBE_FAILED"
  /** `nvidia-smi` ran but failed or printed no rows in the expected format. */
  | "NVIDIA_SMI_FAILED"
  /** The sampler was stopped while the sample ran. */
  | "SAMPLER_STOPPED";

/** A failed GPU sample, with a stable code for callers and logs. */
export class GpuSampleError extends Error {
  readonly code: GpuSampleErrorCode;

  constructor(
    code: GpuSampleErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "GpuSampleError";
    this.code = code;
  }
}
