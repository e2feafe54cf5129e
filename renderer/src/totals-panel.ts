import { byId, setText } from "./dom.js";
import { formatCount, formatDateTime, formatRate } from "./format.js";
import type { Snapshot } from "./types.js";

/** The lifetime counters and the overall decode rate percentiles. */
export class TotalsPanel {
  private readonly cells = {
    requests: byId("total-requests"),
    promptTokens: byId("total-prompt-tokens"),
    outputTokens: byId("total-output-tokens"),
    errors: byId("total-errors"),
    aborted: byId("total-aborted"),
    p50: byId("total-p50"),
    p95: byId("total-p95"),
    since: byId("total-since"),
  };

  update(snapshot: Snapshot): void {
    const { totals, percentiles } = snapshot;

    setText(this.cells.requests, formatCount(totals.requests));
    setText(this.cells.promptTokens, formatCount(totals.promptTokens));
    setText(this.cells.outputTokens, formatCount(totals.outputTokens));
    setText(this.cells.errors, formatCount(totals.errors));
    setText(this.cells.aborted, formatCount(totals.aborted));
    setText(this.cells.p50, formatRate(percentiles.p50));
    setText(this.cells.p95, formatRate(percentiles.p95));
    setText(this.cells.since, `since ${formatDateTime(totals.since)}`);
  }
}
