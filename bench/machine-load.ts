import { readFileSync } from "node:fs";

// Linux reports /proc/stat times in USER_HZ ticks, which are 1/100 s on
// every mainstream architecture.
const MICROS_PER_TICK = 10_000;

/**
 * CPU time all processes of the machine have used since boot, in
 * microseconds, from the first line of /proc/stat; null off Linux. The
 * difference to the benchmark's own processes is load from other programs,
 * which skews a run on a shared machine.
 */
export function readMachineBusyMicros(): number | null {
  let stat: string;
  try {
    stat = readFileSync("/proc/stat", "utf8");
  } catch {
    return null;
  }

  // cpu  user nice system idle iowait irq softirq steal ...
  const fields = stat
    .slice(0, stat.indexOf("\n"))
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const total = fields.slice(0, 8).reduce((sum, ticks) => sum + ticks, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return (total - idle) * MICROS_PER_TICK;
}
