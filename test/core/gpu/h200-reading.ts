/** Bytes in a mebibyte, the unit nvidia-smi and systeminformation report memory in. */
export const MIB = 1024 * 1024;

/** The values every GPU reader must give for the recorded H200, less `vendor` and `sampledAt`, which differ by reader. */
export const H200_READING = {
  index: 0,
  name: "NVIDIA H200",
  busId: "00000000:19:00.0",
  utilizationRatio: 0.37,
  memoryUsedBytes: 81234 * MIB,
  memoryTotalBytes: 143771 * MIB,
  temperatureCelsius: 46,
  powerWatts: 120.5,
} as const;
