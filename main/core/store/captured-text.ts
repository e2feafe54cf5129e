import type { CapturedText } from "../proxy/exchange.js";
import type { RequestRecord } from "../record.js";

/** Requests whose captured text is kept, newest first; older ones lose theirs. */
export const CAPTURED_REQUESTS = 100;

/** A record as the read API serves it with prompt capture on. */
export type RecordWithText = RequestRecord & Partial<CapturedText>;

/**
 * Prompt and completion text of the latest requests, in memory only, kept
 * apart from the records so the history file and metrics never see it.
 */
export class CapturedTextBuffer {
  private readonly byId = new Map<string, CapturedText>();

  constructor(private readonly maxRequests = CAPTURED_REQUESTS) {}

  get size(): number {
    return this.byId.size;
  }

  set(id: string, text: CapturedText): void {
    this.byId.set(id, text);

    // A Map iterates in insertion order, so the first key is the oldest.
    while (this.byId.size > this.maxRequests) {
      const oldest = this.byId.keys().next().value as string;
      this.byId.delete(oldest);
    }
  }

  /** Forgets every captured text, as when the user turns capture off. */
  clear(): void {
    this.byId.clear();
  }

  /** Adds `prompt` and `completion` to the records that have captured text. */
  attach(records: readonly Readonly<RequestRecord>[]): RecordWithText[] {
    if (this.byId.size === 0) return records as RequestRecord[];

    return records.map((record) => {
      const text = this.byId.get(record.id);
      return text ? { ...record, ...text } : (record as RequestRecord);
    });
  }
}
