import { describeError } from "../errors.js";
import type { Logger } from "../log.js";

/** Time between `/api/ps` polls while someone is watching, in milliseconds. */
export const LOADED_MODELS_INTERVAL_MS = 5000;

/** Time between polls of a server that has no `/api/ps`, in case it gains one. */
export const UNSUPPORTED_RETRY_MS = 60_000;

/** Time allowed for one `/api/ps` response, in milliseconds. */
const POLL_TIMEOUT_MS = 3000;

/** A model loaded in the upstream server's memory. */
export interface LoadedModel {
  name: string;
  /** Memory the loaded model takes in total, in bytes. */
  sizeBytes: number | null;
  /** The part of `sizeBytes` in GPU memory. */
  vramBytes: number | null;
  /** ISO 8601 time the server plans to unload it, or null when it keeps it. */
  expiresAt: string | null;
  /** True when `expiresAt` has passed and the model is still loaded. */
  overdue: boolean;
}

interface PsEntry {
  name?: unknown;
  model?: unknown;
  size?: unknown;
  size_vram?: unknown;
  expires_at?: unknown;
}

/**
 * Polls Ollama's `GET /api/ps` for the loaded models, but only while at
 * least one watcher (an open window, an events client) is registered, so an
 * unwatched Tokentap sends the server nothing of its own. A server without
 * `/api/ps` shows no loaded models and is asked again only once a minute.
 */
export class LoadedModelsPoller {
  private models: LoadedModel[] = [];
  private watchers = 0;
  private timer: NodeJS.Timeout | null = null;
  private polling = false;
  private supported = true;
  private lastError: string | null = null;

  constructor(
    private readonly upstream: () => URL,
    private readonly logger: Logger,
    private readonly onChange: () => void,
    private readonly intervalMs = LOADED_MODELS_INTERVAL_MS,
  ) {}

  /** Returns the models of the latest response, with `overdue` worked out now. */
  current(now = Date.now()): LoadedModel[] {
    return this.models.map((model) => ({
      ...model,
      overdue: model.expiresAt !== null && Date.parse(model.expiresAt) < now,
    }));
  }

  /** Registers a watcher and polls at once; returns the function that unregisters it. */
  watch(): () => void {
    this.watchers += 1;
    if (this.watchers === 1) this.schedule(0);

    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.watchers -= 1;
      if (this.watchers === 0) this.cancel();
    };
  }

  /** Clears the previous upstream's models, after a change of upstream. */
  reset(): void {
    this.models = [];
    this.supported = true;
    this.lastError = null;
    if (this.watchers > 0) {
      this.cancel();
      this.schedule(0);
    }
  }

  stop(): void {
    this.watchers = 0;
    this.cancel();
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => void this.poll(), delayMs);
    this.timer.unref();
  }

  private cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async poll(): Promise<void> {
    this.timer = null;
    if (this.polling || this.watchers === 0) return;
    this.polling = true;

    try {
      const next = await this.fetchLoaded();
      this.update(next);
    } finally {
      this.polling = false;
      if (this.watchers > 0 && !this.timer) {
        this.schedule(this.supported ? this.intervalMs : UNSUPPORTED_RETRY_MS);
      }
    }
  }

  private async fetchLoaded(): Promise<LoadedModel[]> {
    const url = new URL("api/ps", withTrailingSlash(this.upstream()));

    try {
      const response = await fetch(url, {
        signal: AbortSignal.timeout(POLL_TIMEOUT_MS),
      });
      if (response.status === 404 || response.status === 405) {
        this.markUnsupported(`GET ${url.pathname} returned ${response.status}`);
        return [];
      }
      if (!response.ok)
        throw new Error(`GET ${url.pathname} returned ${response.status}`);

      const body = (await response.json()) as { models?: unknown };
      if (!Array.isArray(body.models)) {
        this.markUnsupported(`GET ${url.pathname} returned no "models" list`);
        return [];
      }

      this.supported = true;
      this.lastError = null;
      return body.models
        .map((entry) => parseEntry(entry as PsEntry))
        .filter((model) => model !== null);
    } catch (error) {
      this.logFailure(
        `could not read the loaded models from ${url.origin}: ${describeError(error)}`,
      );
      return this.models;
    }
  }

  private markUnsupported(reason: string): void {
    if (this.supported) {
      this.logger.info("upstream does not list loaded models; showing none", {
        reason,
      });
    }
    this.supported = false;
  }

  private logFailure(message: string): void {
    if (message !== this.lastError) this.logger.warn(message);
    this.lastError = message;
  }

  private update(next: LoadedModel[]): void {
    if (JSON.stringify(next) === JSON.stringify(this.models)) return;
    this.models = next;
    this.onChange();
  }
}

function parseEntry(entry: PsEntry): LoadedModel | null {
  const name =
    typeof entry.name === "string"
      ? entry.name
      : typeof entry.model === "string"
        ? entry.model
        : null;
  if (name === null) return null;

  return {
    name,
    sizeBytes: nonNegative(entry.size),
    vramBytes: nonNegative(entry.size_vram),
    expiresAt: parseTime(entry.expires_at),
    overdue: false,
  };
}

function nonNegative(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) && value >= 0
    ? value
    : null;
}

/** Ollama reports a far-future year for a model kept loaded for good; that is no expiry. */
function parseTime(value: unknown): string | null {
  if (typeof value !== "string") return null;

  const time = Date.parse(value);
  if (!Number.isFinite(time) || new Date(time).getUTCFullYear() > 2200)
    return null;
  return new Date(time).toISOString();
}

function withTrailingSlash(url: URL): URL {
  return url.pathname.endsWith("/") ? url : new URL(`${url.href}/`);
}
