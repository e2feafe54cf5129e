import type { Snapshot } from "../../main/core/snapshot/snapshot.js";
import type { Tokentap } from "../../main/core/tokentap.js";

/**
 * Resolves with the next snapshot the core pushes that matches `test`. The
 * core pushes to all subscribers in one loop, so once this resolves every
 * other subscriber has had the same snapshot.
 */
export function nextPush(
  tokentap: Tokentap,
  test: (snapshot: Snapshot) => boolean,
): Promise<Snapshot> {
  return new Promise((resolve) => {
    let stop: (() => void) | null = null;
    let found = false;

    stop = tokentap.subscribe((snapshot) => {
      if (found || !test(snapshot)) return;
      found = true;
      // The first snapshot arrives inside subscribe(), before `stop` is set.
      queueMicrotask(() => stop?.());
      resolve(snapshot);
    });
  });
}
