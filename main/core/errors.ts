/** Codes of the errors the core raises on purpose, for callers that branch on them. */
export type TokentapErrorCode =
  "INVALID_SETTING" | "PORT_IN_USE" | "LISTEN_FAILED" | "NOT_RUNNING";

/** An error the core raises with a stable code and a message that names the value and the fix. */
export class TokentapError extends Error {
  readonly code: TokentapErrorCode;

  constructor(
    code: TokentapErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "TokentapError";
    this.code = code;
  }
}

/** Returns a short, single-line description of any thrown value, for logs and error records. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code && !error.message.includes(code)
      ? `${code}: ${error.message}`
      : error.message;
  }

  return String(error);
}
