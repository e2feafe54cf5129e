import type { GpuSample } from "../record.js";
import { GpuSampleError } from "./gpu-sample-error.js";

/**
 * Arguments for `nvidia-smi`: the same query, field order and format that
 * systeminformation 5.33 sends, so both read the same 16 columns.
 */
export const NVIDIA_SMI_ARGS: readonly string[] = [
  "--query-gpu=driver_version,pci.sub_device_id,name,pci.bus_id,fan.speed,memory.total,memory.used,memory.free,utilization.gpu,utilization.memory,temperature.gpu,temperature.memory,power.draw,power.limit,clocks.gr,clocks.mem",
  "--format=csv,noheader,nounits",
];

const FIELD_COUNT = 16;
const COLUMN = {
  name: 2,
  busId: 3,
  memoryTotalMiB: 5,
  memoryUsedMiB: 6,
  utilizationPercent: 8,
  temperatureCelsius: 10,
  powerWatts: 12,
} as const;

const BYTES_PER_MIB = 1024 * 1024;

/** The outcome of one `nvidia-smi` run, as the probe process reports it. */
export interface NvidiaSmiRun {
  stdout: string;
  stderr: string;
  /** Exit status, or null when the process did not start or was killed by a signal. */
  exitCode: number | null;
  /** Node's error code when the run failed before exiting, for example `ENOENT` when nvidia-smi is not installed. */
  errorCode: string | null;
  signal: string | null;
}

/** Returns whether the run failed because no `nvidia-smi` executable is on PATH. */
export function isNvidiaSmiMissing(run: NvidiaSmiRun): boolean {
  return run.errorCode === "ENOENT";
}

/**
 * Converts a successful run into one sample per output row.
 *
 * @throws GpuSampleError with code `NVIDIA_SMI_FAILED` when nvidia-smi could
 * not run, exited with a non-zero status (9 when no driver is loaded, 6 when
 * no devices are found) or printed output without a single valid row.
 */
export function samplesFromNvidiaSmiRun(
  run: NvidiaSmiRun,
  sampledAt: string,
): GpuSample[] {
  if (run.errorCode !== null || run.exitCode !== 0) {
    throw new GpuSampleError(
      "NVIDIA_SMI_FAILED",
      `nvidia-smi failed (${describeRunStatus(run)}): ${firstLine(run.stdout + "\n" + run.stderr) || "no output"}`,
    );
  }

  const samples = parseNvidiaSmiCsv(run.stdout, sampledAt);
  if (samples.length === 0 && run.stdout.trim() !== "") {
    throw new GpuSampleError(
      "NVIDIA_SMI_FAILED",
      `nvidia-smi printed no rows with ${FIELD_COUNT} fields; first line: ${firstLine(run.stdout)}`,
    );
  }

  return samples;
}

/**
 * Parses the output of `nvidia-smi` run with `NVIDIA_SMI_ARGS`. Rows are in
 * nvidia-smi's index order, so the row position is the GPU index. Rows
 * without 16 fields are skipped.
 */
export function parseNvidiaSmiCsv(
  stdout: string,
  sampledAt: string,
): GpuSample[] {
  const rows = stdout
    .split(/\r?\n/)
    .filter((line) => line.trim() !== "")
    .map((line) => line.split(",").map((field) => field.trim()))
    .filter((fields) => fields.length === FIELD_COUNT);

  return rows.map((fields, index) => sampleFromRow(fields, index, sampledAt));
}

function sampleFromRow(
  fields: string[],
  index: number,
  sampledAt: string,
): GpuSample {
  const column = (position: number): string => fields[position] ?? "";
  const utilizationPercent = parseReading(column(COLUMN.utilizationPercent));

  return {
    index,
    name: parseText(column(COLUMN.name)) ?? `NVIDIA GPU ${index}`,
    vendor: "NVIDIA",
    busId: parseText(column(COLUMN.busId)),
    utilizationRatio:
      utilizationPercent === null ? null : utilizationPercent / 100,
    memoryUsedBytes: mebibytesToBytes(
      parseReading(column(COLUMN.memoryUsedMiB)),
    ),
    memoryTotalBytes: mebibytesToBytes(
      parseReading(column(COLUMN.memoryTotalMiB)),
    ),
    temperatureCelsius: parseReading(column(COLUMN.temperatureCelsius)),
    powerWatts: parseReading(column(COLUMN.powerWatts)),
    sampledAt,
  };
}

/**
 * Parses one numeric field. nvidia-smi writes unavailable values as words in
 * brackets (`[N/A]`, `[Not Supported]`, `[Unknown Error]`), and older drivers
 * write a bare `N/A`. All of them become null, while a real `0` stays 0.
 */
function parseReading(field: string): number | null {
  if (field === "" || field.startsWith("[")) return null;

  const value = Number(field);
  return Number.isFinite(value) ? value : null;
}

function parseText(field: string): string | null {
  if (field === "" || field.startsWith("[") || field === "N/A") return null;
  return field;
}

/** Converts MiB, the unit nvidia-smi reports memory in with `nounits`, to bytes. */
export function mebibytesToBytes(mebibytes: number | null): number | null {
  return mebibytes === null ? null : mebibytes * BYTES_PER_MIB;
}

function describeRunStatus(run: NvidiaSmiRun): string {
  if (run.errorCode !== null) return run.errorCode;
  if (run.signal !== null) return `killed by ${run.signal}`;
  return `exit status ${run.exitCode}`;
}

function firstLine(text: string): string {
  return (
    text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .find((line) => line !== "") ?? ""
  ).slice(0, 300);
}
