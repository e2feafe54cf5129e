import type { Transport } from "./transport.js";
import type { Settings, SettingsUpdateResult, Snapshot } from "./types.js";

/** An HTTP call to the core that failed, with the core's own message when it sent one. */
export class CoreRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "CoreRequestError";
  }
}

/**
 * Creates the transport over the core's local HTTP API. Paths resolve
 * against `pageUrl`, so a page served at `/tokentap/` calls
 * `/tokentap/api/...` on the same origin.
 */
export function createHttpTransport(pageUrl: string): Transport {
  const api = (name: string) => new URL(`api/${name}`, pageUrl);

  return {
    kind: "http",
    getSnapshot: () => requestJson<Snapshot>(api("snapshot")),
    subscribe: (onSnapshot, onState) =>
      subscribeEvents(api("events"), onSnapshot, onState),
    setProxyEnabled: async (enabled) => {
      const reply = await requestJson<{ enabled: boolean }>(api("proxy"), {
        enabled,
      });
      return reply.enabled;
    },
    getSettings: () => requestJson<Settings>(api("settings")),
    updateSettings: (patch) => postSettings(api("settings"), patch),
    openDataFolder: null,
  };
}

/** Listens to the `snapshot` events of the core's event stream; EventSource reconnects by itself. */
function subscribeEvents(
  url: URL,
  onSnapshot: (snapshot: Snapshot) => void,
  onState: (state: "live" | "reconnecting") => void,
): () => void {
  const events = new EventSource(url);

  events.addEventListener("open", () => onState("live"));
  events.addEventListener("error", () => onState("reconnecting"));
  events.addEventListener("snapshot", (event) => {
    onSnapshot(JSON.parse((event as MessageEvent<string>).data) as Snapshot);
  });

  return () => events.close();
}

/** Sends a settings change. A 400 response with the issues is an invalid change, returned as a result rather than thrown. */
async function postSettings(
  url: URL,
  patch: Record<string, unknown>,
): Promise<SettingsUpdateResult> {
  const response = await fetch(url, postInit(patch));
  const body = (await readBody(
    response,
  )) as Partial<SettingsUpdateResult> | null;

  if (body !== null && typeof body.ok === "boolean")
    return body as SettingsUpdateResult;
  throw failure(url, response, body);
}

/** GETs `url`, or POSTs `body` as JSON when given, and returns the parsed reply. */
async function requestJson<T>(url: URL, body?: unknown): Promise<T> {
  const response = await fetch(
    url,
    body === undefined ? { cache: "no-store" } : postInit(body),
  );
  const parsed = await readBody(response);

  if (!response.ok) throw failure(url, response, parsed);
  return parsed as T;
}

function postInit(body: unknown): RequestInit {
  return {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  };
}

async function readBody(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return null;
  }
}

function failure(
  url: URL,
  response: Response,
  body: unknown,
): CoreRequestError {
  const message = (body as { error?: unknown } | null)?.error;
  const detail = typeof message === "string" ? message : response.statusText;
  return new CoreRequestError(
    response.status,
    `${url.pathname} answered ${response.status}: ${detail}`,
  );
}
