import { describe, expect, it } from "vitest";

import { silentLogger } from "../../../main/core/log.js";
import { SnapshotHub } from "../../../main/core/snapshot/snapshot-hub.js";
import type { Snapshot } from "../../../main/core/snapshot/snapshot.js";
import { delay } from "../../support/fake-upstream.js";

/** A hub whose snapshots carry a build counter in `takenAt`. */
function countingHub(minIntervalMs: number) {
  let builds = 0;
  const hub = new SnapshotHub(
    () => {
      builds += 1;
      return { takenAt: String(builds) } as Snapshot;
    },
    silentLogger,
    minIntervalMs,
  );
  return { hub, builds: () => builds };
}

describe("SnapshotHub", () => {
  it("sends the current snapshot on subscribe", () => {
    const { hub } = countingHub(50);
    const received: string[] = [];

    hub.subscribe((snapshot) => received.push(snapshot.takenAt));

    expect(received).toEqual(["1"]);
  });

  it("coalesces a burst of changes into one push", async () => {
    const { hub } = countingHub(50);
    const received: string[] = [];
    hub.subscribe((snapshot) => received.push(snapshot.takenAt));

    for (let index = 0; index < 100; index += 1) hub.changed();
    await delay(120);

    expect(received).toEqual(["1", "2"]);
  });

  it("spaces pushes by the minimum interval", async () => {
    const { hub } = countingHub(100);
    const pushedAt: number[] = [];
    hub.subscribe(() => pushedAt.push(performance.now()));

    hub.changed();
    await delay(20);
    hub.changed();
    await delay(250);

    expect(pushedAt).toHaveLength(3);
    expect(pushedAt[2]! - pushedAt[1]!).toBeGreaterThanOrEqual(95);
  });

  it("builds nothing without subscribers", async () => {
    const { hub, builds } = countingHub(10);

    hub.changed();
    await delay(40);

    expect(builds()).toBe(0);
  });

  it("keeps pushing after a subscriber throws", async () => {
    const { hub } = countingHub(10);
    const received: string[] = [];
    hub.subscribe(() => {
      throw new Error("broken window");
    });
    hub.subscribe((snapshot) => received.push(snapshot.takenAt));

    hub.changed();
    await delay(40);

    expect(received).toHaveLength(2);
  });

  it("stops sending after unsubscribe", async () => {
    const { hub } = countingHub(10);
    const received: string[] = [];
    const unsubscribe = hub.subscribe((snapshot) =>
      received.push(snapshot.takenAt),
    );

    unsubscribe();
    hub.changed();
    await delay(40);

    expect(received).toEqual(["1"]);
  });
});
