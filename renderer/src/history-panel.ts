import { byId, setText } from "./dom.js";
import type { Transport } from "./transport.js";
import type { Snapshot } from "./types.js";

/** Panel with the history file's path, its last write failure and the button that opens its folder. */
export class HistoryPanel {
  private readonly status = byId("history-status");
  private readonly openButton = byId<HTMLButtonElement>("open-data-folder");

  constructor(transport: Transport, reportError: (message: string) => void) {
    const open = transport.openDataFolder;
    this.openButton.hidden = open === null;
    if (open) {
      this.openButton.addEventListener("click", () => {
        open().catch((error: unknown) =>
          reportError(
            `Could not open the data folder: ${(error as Error).message}`,
          ),
        );
      });
    }
  }

  update(history: Snapshot["history"]): void {
    let text =
      history.enabled && history.path
        ? `History file: ${history.path}`
        : "History is off.";
    if (history.loaded > 0 || history.skipped > 0) {
      text += ` Loaded ${history.loaded} records at start, skipped ${history.skipped} unreadable lines.`;
    }
    if (history.lastError) text += ` Last write failed: ${history.lastError}`;

    setText(this.status, text);
    this.status.classList.toggle("is-error", history.lastError !== null);
  }
}
