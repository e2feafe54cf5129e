import { element } from "./dom.js";
import { formatGibibytes, formatRelative } from "./format.js";
import type { LoadedModel } from "./types.js";

/** Table of the models loaded in the upstream's memory, with their VRAM and unload time. */
export class LoadedModelsTable {
  private shown = "";

  constructor(private readonly body: HTMLTableSectionElement) {}

  /** Redraws the rows when the models changed; `now` is the snapshot's time in milliseconds. */
  update(models: readonly LoadedModel[], now: number): void {
    const rows = models.map((model) => buildRow(model, now));
    const key = rows.map((row) => row.textContent).join("\n");
    if (key === this.shown) return;

    this.shown = key;
    this.body.replaceChildren(...rows);
    this.body
      .closest(".card")
      ?.classList.toggle("is-empty", models.length === 0);
  }
}

function buildRow(model: LoadedModel, now: number): HTMLTableRowElement {
  const row = element("tr", model.overdue ? "overdue" : "");
  row.append(
    element("td", "col-name", model.name),
    element("td", "col-vram num", formatGibibytes(model.vramBytes)),
    element("td", "col-size num", formatGibibytes(model.sizeBytes)),
    expiryCell(model, now),
  );
  return row;
}

function expiryCell(model: LoadedModel, now: number): HTMLTableCellElement {
  const td = element("td", "col-expires");
  if (model.expiresAt === null) {
    td.textContent = "kept loaded";
    return td;
  }

  td.title = model.expiresAt;
  const when = formatRelative(Date.parse(model.expiresAt), now);
  if (model.overdue) {
    td.append(element("span", "badge badge-overdue", "overdue"), ` ${when}`);
  } else {
    td.textContent = when;
  }
  return td;
}
