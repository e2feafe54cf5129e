/** Severity of a log line, lowest first. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** Extra key-value context for a log line: ids, addresses, error codes. Never prompt text or secrets. */
export type LogFields = Record<
  string,
  string | number | boolean | null | undefined
>;

/**
 * The logger the core writes through. Each subsystem takes a child, so every
 * line names where it came from; the shell or the CLI decides where lines go.
 */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(subsystem: string): Logger;
}

/** A destination for formatted log lines. */
export type LogSink = (level: LogLevel, line: string) => void;

const LEVEL_ORDER: Record<LogLevel, number> = {
  debug: 10,
  info: 20,
  warn: 30,
  error: 40,
};

/** Formats one log line as `time level [subsystem] message key=value ...`. */
export function formatLogLine(
  level: LogLevel,
  subsystem: string,
  message: string,
  fields: LogFields | undefined,
  now: Date = new Date(),
): string {
  let line = `${now.toISOString()} ${level.toUpperCase()} [${subsystem}] ${message}`;

  for (const [key, value] of Object.entries(fields ?? {})) {
    if (value === undefined) continue;
    line += ` ${key}=${formatFieldValue(value)}`;
  }

  return line;
}

function formatFieldValue(value: string | number | boolean | null): string {
  if (typeof value !== "string") return String(value);

  // Quote values with spaces or quotes so a line stays one parseable record.
  return /[\s"=]/.test(value) ? JSON.stringify(value) : value;
}

/** Creates a logger that formats lines and hands those at or above `minLevel` to `sink`. */
export function createLogger(
  sink: LogSink,
  minLevel: LogLevel = "info",
  subsystem = "tokentap",
): Logger {
  const write = (level: LogLevel, message: string, fields?: LogFields) => {
    if (LEVEL_ORDER[level] < LEVEL_ORDER[minLevel]) return;
    sink(level, formatLogLine(level, subsystem, message, fields));
  };

  return {
    debug: (message, fields) => write("debug", message, fields),
    info: (message, fields) => write("info", message, fields),
    warn: (message, fields) => write("warn", message, fields),
    error: (message, fields) => write("error", message, fields),
    child: (name) => createLogger(sink, minLevel, name),
  };
}

/** Creates a logger writing every line to standard error, as a headless service does. */
export function createStderrLogger(minLevel: LogLevel = "info"): Logger {
  return createLogger(
    (_level, line) => process.stderr.write(`${line}\n`),
    minLevel,
  );
}

/** A logger that drops everything, for tests and benchmarks that do not read logs. */
export const silentLogger: Logger = createLogger(() => {}, "error");
