import type { IncomingMessage } from "node:http";

/** Largest body the local API accepts, in bytes; its requests are tiny JSON objects. */
export const MAX_LOCAL_BODY_BYTES = 4096;

/** A request to the local API that cannot be served, with the status to send. */
export class LocalRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "LocalRequestError";
  }
}

/** Reads a small JSON request body, rejecting oversized, non-JSON or malformed ones. */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const contentType = req.headers["content-type"] ?? "";
  if (!/^application\/json\b/i.test(contentType)) {
    throw new LocalRequestError(
      415,
      `unsupported Content-Type "${contentType}"; send the body as application/json`,
    );
  }

  const chunks: Buffer[] = [];
  let size = 0;

  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_LOCAL_BODY_BYTES) {
      throw new LocalRequestError(
        413,
        `request body is larger than ${MAX_LOCAL_BODY_BYTES} bytes`,
      );
    }
    chunks.push(chunk);
  }

  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new LocalRequestError(400, "request body is not valid JSON");
  }
}
