/** Formats how long before `now` the time `at` was, for example "12 s ago". */
export function formatAge(at: string, now: Date): string {
  const seconds = Math.max(
    0,
    Math.floor((now.getTime() - Date.parse(at)) / 1000),
  );

  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 48 * 3600) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86_400)} d ago`;
}

/** Formats a decode rate with one decimal below 100 tok/s; a dash stands for no rate. */
export function formatRate(tokensPerSecond: number | null): string {
  if (tokensPerSecond === null) return "– tok/s";
  const digits = tokensPerSecond < 100 ? 1 : 0;
  return `${tokensPerSecond.toFixed(digits)} tok/s`;
}

/** Formats a count with its noun, singular for one: "1 request", "12 requests". */
export function formatCount(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/**
 * Splits `text` into lines of at most `width` characters at spaces, because
 * a menu item shows one line and long items make the whole menu wide.
 */
export function wrapLabel(text: string, width = 60): string[] {
  const lines: string[] = [];
  let line = "";

  for (const word of text.split(/\s+/).filter((part) => part.length > 0)) {
    if (line.length > 0 && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line.length > 0 ? `${line} ${word}` : word;
    }
  }

  if (line.length > 0) lines.push(line);
  return lines;
}

/** Cuts `text` to `maxLength` characters, ending in an ellipsis when cut. */
export function truncate(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  return `${text.slice(0, maxLength - 1)}…`;
}

/** Returns the host and port of a base URL, for example `127.0.0.1:4321` or `[::1]:4321`. */
export function hostPort(baseUrl: string): string {
  return new URL(baseUrl).host;
}

/** Builds the environment setting that points Ollama clients at the proxy, for example `OLLAMA_HOST=127.0.0.1:4321`. */
export function ollamaHostSetting(listenUrl: string): string {
  return `OLLAMA_HOST=${hostPort(listenUrl)}`;
}

/** Upper-cases the first letter, for messages shown as labels. */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
