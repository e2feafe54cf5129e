import type { Logger } from "../log.js";
import type { RequestRecord } from "../record.js";
import type { RecordListener } from "./types.js";

interface Entry {
  listener: RecordListener;
  failures: number;
}

/** Logs the 1st failure of a listener, then every 100th, so a broken listener cannot flood the log. */
const LOG_EVERY_NTH_FAILURE = 100;

/**
 * The `onAdd` listeners of a store. A listener that throws or rejects is
 * logged and skipped, so `add` and the other listeners carry on.
 */
export class ListenerSet {
  #entries: Entry[] = [];
  readonly #logger: Logger | undefined;

  constructor(logger: Logger | undefined) {
    this.#logger = logger;
  }

  /** Registers `listener` and returns a function that removes it; calling that twice is harmless. */
  subscribe(listener: RecordListener): () => void {
    const entry: Entry = { listener, failures: 0 };
    this.#entries = [...this.#entries, entry];

    return () => {
      this.#entries = this.#entries.filter((candidate) => candidate !== entry);
    };
  }

  /** Calls every listener with `record`, in subscription order. */
  notify(record: Readonly<RequestRecord>): void {
    // Iterates the array as it was when the add began, because listeners may
    // subscribe or unsubscribe while running and the array is replaced, not changed.
    for (const entry of this.#entries) {
      try {
        const result = entry.listener(record);
        if (isPromiseLike(result)) {
          result.then(undefined, (error: unknown) =>
            this.#report(entry, record, error),
          );
        }
      } catch (error) {
        this.#report(entry, record, error);
      }
    }
  }

  #report(entry: Entry, record: Readonly<RequestRecord>, error: unknown): void {
    entry.failures += 1;
    if (entry.failures !== 1 && entry.failures % LOG_EVERY_NTH_FAILURE !== 0)
      return;

    this.#logger?.error("store listener failed", {
      recordId: record.id,
      error: error instanceof Error ? error.message : String(error),
      failures: entry.failures,
    });
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}
