import type { Snapshot } from "../core/snapshot/snapshot.js";

/** The parts of the core the feed reads: pushed snapshots and the watch marker. */
export interface SnapshotSource {
  /** Sends a snapshot now and on each change, at most 4 a second; returns the unsubscribe function. */
  subscribe(listener: (snapshot: Snapshot) => void): () => void;
  /** Marks that someone is looking; returns the release function. */
  watch(): () => void;
}

/**
 * Decides when the window gets snapshots: only after the page signalled that it
 * is ready and only while the window is visible. Subscribing sends one fresh
 * snapshot at once, so a window shown again is current without a timer.
 * While the window is visible the core is watched, so it polls the models
 * the upstream has loaded.
 */
export class SnapshotFeed {
  private ready = false;
  private visible = false;
  private closed = false;
  private unsubscribe: (() => void) | null = null;
  private release: (() => void) | null = null;

  constructor(
    private readonly source: SnapshotSource,
    private readonly send: (snapshot: Snapshot) => void,
  ) {}

  /** Whether snapshots are flowing to the window now. */
  get sending(): boolean {
    return this.unsubscribe !== null;
  }

  /** Records whether the page can take snapshots; a reload or a crashed page sets it back to false. */
  setReady(ready: boolean): void {
    this.ready = ready;
    this.update();
  }

  /** Records whether the window is shown and not minimized. */
  setVisible(visible: boolean): void {
    this.visible = visible;
    this.update();
  }

  /** Stops sending and releases the watch for good. */
  close(): void {
    this.closed = true;
    this.update();
  }

  private update(): void {
    const watching = this.visible && !this.closed;
    if (watching && !this.release) this.release = this.source.watch();
    if (!watching && this.release) {
      this.release();
      this.release = null;
    }

    const sending = watching && this.ready;
    if (sending && !this.unsubscribe) {
      // The source calls the listener inside subscribe(), before this
      // assignment, so the first snapshot must not depend on it.
      this.unsubscribe = this.source.subscribe((snapshot) =>
        this.send(snapshot),
      );
    }
    if (!sending && this.unsubscribe) {
      this.unsubscribe();
      this.unsubscribe = null;
    }
  }
}
