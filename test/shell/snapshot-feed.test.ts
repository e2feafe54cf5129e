import { describe, expect, it } from "vitest";

import type { Snapshot } from "../../main/core/snapshot/snapshot.js";
import {
  SnapshotFeed,
  type SnapshotSource,
} from "../../main/shell/snapshot-feed.js";
import { makeSnapshot } from "./make-snapshot.js";

/** A source that counts subscriptions and watches, and pushes on demand. */
class RecordingSource implements SnapshotSource {
  listeners = new Set<(snapshot: Snapshot) => void>();
  watching = 0;
  subscribeCalls = 0;

  subscribe(listener: (snapshot: Snapshot) => void): () => void {
    this.subscribeCalls += 1;
    this.listeners.add(listener);
    listener(makeSnapshot());
    return () => this.listeners.delete(listener);
  }

  watch(): () => void {
    this.watching += 1;
    return () => {
      this.watching -= 1;
    };
  }

  push(): void {
    for (const listener of this.listeners) listener(makeSnapshot());
  }
}

function startFeed(): {
  source: RecordingSource;
  feed: SnapshotFeed;
  sent: Snapshot[];
} {
  const source = new RecordingSource();
  const sent: Snapshot[] = [];
  const feed = new SnapshotFeed(source, (snapshot) => sent.push(snapshot));
  return { source, feed, sent };
}

describe("SnapshotFeed", () => {
  it("sends nothing before the page is ready", () => {
    const { source, feed, sent } = startFeed();

    feed.setVisible(true);
    source.push();

    expect(sent).toHaveLength(0);
  });

  it("sends one snapshot at once when the page becomes ready", () => {
    const { feed, sent } = startFeed();

    feed.setVisible(true);
    feed.setReady(true);

    expect(sent).toHaveLength(1);
  });

  it("sends pushed snapshots while ready and visible", () => {
    const { source, feed, sent } = startFeed();

    feed.setVisible(true);
    feed.setReady(true);
    source.push();
    source.push();

    expect(sent).toHaveLength(3);
  });

  it("sends nothing while hidden", () => {
    const { source, feed, sent } = startFeed();

    feed.setReady(true);
    feed.setVisible(true);
    feed.setVisible(false);
    source.push();

    expect(sent).toHaveLength(1);
    expect(source.listeners.size).toBe(0);
  });

  it("sends a fresh snapshot when shown again", () => {
    const { feed, sent } = startFeed();

    feed.setReady(true);
    feed.setVisible(true);
    feed.setVisible(false);
    feed.setVisible(true);

    expect(sent).toHaveLength(2);
  });

  it("waits for a new ready signal after the page reloads", () => {
    const { source, feed, sent } = startFeed();

    feed.setVisible(true);
    feed.setReady(true);
    feed.setReady(false);
    source.push();

    expect(sent).toHaveLength(1);
  });

  it("watches the core only while visible", () => {
    const { source, feed } = startFeed();

    feed.setVisible(true);
    expect(source.watching).toBe(1);

    feed.setReady(true);
    expect(source.watching).toBe(1);

    feed.setVisible(false);
    expect(source.watching).toBe(0);
  });

  it("releases everything when closed", () => {
    const { source, feed } = startFeed();

    feed.setVisible(true);
    feed.setReady(true);
    feed.close();
    feed.setVisible(true);

    expect(source.watching).toBe(0);
    expect(source.listeners.size).toBe(0);
  });
});
