import type { Logger } from "../log.js";
import { describeError } from "../errors.js";
import type { Snapshot } from "./snapshot.js";

/** Shortest time between two pushed snapshots: at most 4 a second. */
export const MIN_PUSH_INTERVAL_MS = 250;

export type SnapshotListener = (snapshot: Snapshot) => void;

/**
 * Pushes snapshots to subscribers (server-sent event streams, the desktop
 * window) when something changed, coalescing bursts so that no subscriber
 * gets more than one snapshot per `minIntervalMs`.
 */
export class SnapshotHub {
  private readonly listeners = new Set<SnapshotListener>();
  private timer: NodeJS.Timeout | null = null;
  private lastPushAt = -Infinity;

  constructor(
    private readonly build: () => Snapshot,
    private readonly logger: Logger,
    private readonly minIntervalMs = MIN_PUSH_INTERVAL_MS,
  ) {}

  /** Subscribers currently listening. */
  get size(): number {
    return this.listeners.size;
  }

  /** Adds a listener and sends it the current snapshot at once; returns the unsubscribe function. */
  subscribe(listener: SnapshotListener): () => void {
    this.listeners.add(listener);
    this.deliver(listener, this.build());
    return () => this.listeners.delete(listener);
  }

  /** Notes that state changed; subscribers get a snapshot within `minIntervalMs`. */
  changed(): void {
    if (this.timer || this.listeners.size === 0) return;

    const wait = Math.max(
      0,
      this.lastPushAt + this.minIntervalMs - performance.now(),
    );
    this.timer = setTimeout(() => this.push(), wait);
    this.timer.unref();
  }

  /** Cancels a pending push and drops every subscriber. */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.listeners.clear();
  }

  private push(): void {
    this.timer = null;
    this.lastPushAt = performance.now();
    if (this.listeners.size === 0) return;

    const snapshot = this.build();
    for (const listener of this.listeners) this.deliver(listener, snapshot);
  }

  private deliver(listener: SnapshotListener, snapshot: Snapshot): void {
    try {
      listener(snapshot);
    } catch (error) {
      this.logger.error("snapshot subscriber failed", {
        error: describeError(error),
      });
    }
  }
}
