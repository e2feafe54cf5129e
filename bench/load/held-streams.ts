import { runStream, type StreamOutcome } from "./stream-client.js";
import { countOutcomes, type StreamCounts } from "./stream-load.js";
import { parseTarget } from "./target.js";

export interface HeldStreamsArgs {
  url: string;
  path: string;
  count: number;
  expectedLines: number;
  /** Body bytes each stream must have received before it counts as held open. */
  heldBytes: number;
}

/**
 * Streams opened all at once and left open mid-body by the upstream, for
 * the memory phase. `open` resolves once every stream has received
 * `heldBytes` or ended; `finish` waits for them all to end.
 */
export class HeldStreams {
  private outcomes: Promise<StreamOutcome[]> | null = null;

  /** Opens the streams and resolves with how many are held open. */
  async open(args: HeldStreamsArgs, body: Buffer): Promise<{ held: number }> {
    const target = parseTarget(args.url);
    const gapsMs: number[] = [];
    let held = 0;
    let ended = 0;
    let markAllHeld = () => {};
    const allHeld = new Promise<void>((resolve) => {
      markAllHeld = resolve;
    });

    const checkAll = () => {
      if (held + ended === args.count) markAllHeld();
    };

    const streams = Array.from({ length: args.count }, () => {
      let reached = false;
      const onBytes = (bytes: number) => {
        if (reached || bytes < args.heldBytes) return;
        reached = true;
        held++;
        checkAll();
      };

      return runStream({
        target,
        path: args.path,
        body,
        expectedLines: args.expectedLines,
        gapsMs,
        onBytes,
      }).then((outcome) => {
        if (!reached) {
          ended++;
          checkAll();
        }
        return outcome;
      });
    });

    this.outcomes = Promise.all(streams);
    await allHeld;
    return { held };
  }

  /** Waits for every held stream to end and tallies how they ended. */
  async finish(): Promise<StreamCounts> {
    if (!this.outcomes)
      throw new Error("no held streams; send open-held first");
    const outcomes = await this.outcomes;
    this.outcomes = null;
    return countOutcomes(outcomes);
  }
}
