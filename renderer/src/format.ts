// Number and time formats of the page. They follow the browser's locale.

const oneDecimal = new Intl.NumberFormat(undefined, {
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
});
const whole = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const clock = new Intl.DateTimeFormat(undefined, {
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hour12: false,
});
const dateTime = new Intl.DateTimeFormat(undefined, {
  dateStyle: "medium",
  timeStyle: "medium",
});

/** Text shown where a value is missing. */
export const MISSING = "–";

/** Formats a decode rate in tokens per second with one decimal, for example `50.0`. */
export function formatRate(tokensPerSecond: number | null): string {
  return tokensPerSecond === null
    ? MISSING
    : oneDecimal.format(tokensPerSecond);
}

/** Formats a count with digit grouping, for example `12,345`. */
export function formatCount(count: number | null): string {
  return count === null ? MISSING : whole.format(count);
}

/** Formats a duration given in milliseconds: `131 ms` below a second, `1.8 s` above. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return MISSING;
  if (ms < 1000) return `${whole.format(ms)} ms`;
  return `${oneDecimal.format(ms / 1000)} s`;
}

/** Formats a byte count in GiB with one decimal, for example `4.2 GiB`. */
export function formatGibibytes(bytes: number | null): string {
  return bytes === null ? MISSING : `${oneDecimal.format(bytes / 2 ** 30)} GiB`;
}

/** Formats an ISO 8601 time as a 24-hour wall clock time, for example `09:15:03`. */
export function formatClock(iso: string | number): string {
  return clock.format(new Date(iso));
}

/** Formats an ISO 8601 time as a date and time. */
export function formatDateTime(iso: string): string {
  return dateTime.format(new Date(iso));
}

/** Formats the time from `now` to `target`, both in milliseconds, as `in 4 min` or `2 min ago`. */
export function formatRelative(target: number, now: number): string {
  const seconds = Math.round((target - now) / 1000);
  const size = Math.abs(seconds);
  const amount = size < 90 ? `${size} s` : `${Math.round(size / 60)} min`;
  return seconds >= 0 ? `in ${amount}` : `${amount} ago`;
}
