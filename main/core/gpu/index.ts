export { GpuSampler, type GpuSamplerOptions } from "./gpu-sampler.js";
export { GpuSampleError, type GpuSampleErrorCode } from "./gpu-sample-error.js";
export { NVIDIA_SMI_ARGS, parseNvidiaSmiCsv } from "./nvidia-smi.js";
export {
  backoffIntervalMs,
  DEFAULT_GPU_SAMPLE_INTERVAL_MS,
  DEFAULT_GPU_SAMPLE_TIMEOUT_MS,
  MAX_GPU_BACKOFF_INTERVAL_MS,
  MIN_GPU_SAMPLE_INTERVAL_MS,
  MIN_GPU_SAMPLE_TIMEOUT_MS,
} from "./sampler-settings.js";
