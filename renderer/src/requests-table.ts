import { element } from "./dom.js";
import {
  MISSING,
  formatClock,
  formatCount,
  formatDuration,
  formatRate,
} from "./format.js";
import type { RateSource, RecordWithText } from "./types.js";

/** Meaning of each rate source, for the tooltip of its tag. */
const SOURCE_TITLES: Record<RateSource, string> = {
  server: "reported by the server's decode timings",
  stream: "measured from chunk arrival times at the proxy",
  wall: "output tokens over the whole request time",
};

const ESTIMATED_TITLE =
  "estimated from the streamed content, not counted by the server";

/**
 * The recent requests table, newest first. Rows are keyed by record id and
 * reused across snapshots, so an opened prompt stays open while new
 * requests arrive. Every value goes in as text.
 */
export class RequestsTable {
  private readonly rows = new Map<string, HTMLTableRowElement[]>();

  constructor(private readonly body: HTMLTableSectionElement) {}

  update(records: readonly RecordWithText[]): void {
    const ids = new Set(records.map((record) => record.id));
    for (const id of this.rows.keys()) if (!ids.has(id)) this.rows.delete(id);

    const wanted = records.flatMap((record) => this.rowsFor(record));
    placeInOrder(this.body, wanted);
    this.body
      .closest(".card")
      ?.classList.toggle("is-empty", records.length === 0);
  }

  private rowsFor(record: RecordWithText): HTMLTableRowElement[] {
    let rows = this.rows.get(record.id);
    if (!rows) {
      rows = buildRows(record);
      this.rows.set(record.id, rows);
    }
    return rows;
  }
}

/** Puts `wanted` into `body` in order, moving only the rows out of place and dropping the rest. */
function placeInOrder(body: HTMLElement, wanted: readonly HTMLElement[]): void {
  let cursor: ChildNode | null = body.firstChild;

  for (const row of wanted) {
    if (row === cursor) cursor = cursor.nextSibling;
    else body.insertBefore(row, cursor);
  }

  while (cursor) {
    const next: ChildNode | null = cursor.nextSibling;
    cursor.remove();
    cursor = next;
  }
}

function buildRows(record: RecordWithText): HTMLTableRowElement[] {
  const row = element("tr", `request outcome-${record.outcome}`);
  row.dataset.id = record.id;

  const time = cell("col-time", formatClock(record.endedAt));
  time.title = record.endedAt;
  const endpoint = cell("col-endpoint", record.endpoint);
  endpoint.title = `${record.method} ${record.path}`;

  row.append(
    time,
    cell("col-model", record.model ?? MISSING),
    endpoint,
    outcomeCell(record),
    tokensCell("col-in", record.promptTokens, record.estimated),
    tokensCell("col-out", record.outputTokens, record.estimated),
    rateCell(record),
    cell("col-ttft num", formatDuration(record.ttftMs)),
    cell("col-total num", formatDuration(record.totalMs)),
  );

  const detail = detailRow(record, row.children.length);
  return detail ? [row, detail] : [row];
}

function cell(className: string, text = ""): HTMLTableCellElement {
  return element("td", className, text);
}

function outcomeCell(record: RecordWithText): HTMLTableCellElement {
  const td = cell("col-outcome");
  const badge = element(
    "span",
    `badge badge-${record.outcome}`,
    record.outcome.replace("_", " "),
  );
  if (record.status !== null) badge.title = `HTTP ${record.status}`;
  td.append(badge);
  return td;
}

function tokensCell(
  className: string,
  count: number | null,
  estimated: boolean,
): HTMLTableCellElement {
  const td = cell(`${className} num`);
  if (estimated && count !== null) td.append(estimatedMark());
  td.append(element("span", "value", formatCount(count)));
  return td;
}

function rateCell(record: RecordWithText): HTMLTableCellElement {
  const td = cell("col-rate num");
  if (record.estimated && record.tokensPerSecond !== null)
    td.append(estimatedMark());
  td.append(element("span", "value", formatRate(record.tokensPerSecond)));

  if (record.rateSource !== null) {
    const tag = element(
      "span",
      `rate-source source-${record.rateSource}`,
      record.rateSource,
    );
    tag.title = SOURCE_TITLES[record.rateSource];
    td.append(tag);
  }
  return td;
}

function estimatedMark(): HTMLElement {
  const mark = element("span", "estimated", "≈");
  mark.title = ESTIMATED_TITLE;
  return mark;
}

/** Builds the folded row under a request with its error, prompt and completion, or returns null when it has none. */
function detailRow(
  record: RecordWithText,
  columns: number,
): HTMLTableRowElement | null {
  const parts: [string, string][] = [];
  if (record.error) parts.push(["Error", record.error]);
  if (record.prompt) parts.push(["Prompt", record.prompt]);
  if (record.completion) parts.push(["Completion", record.completion]);
  if (parts.length === 0) return null;

  const details = element("details");
  details.append(
    element("summary", "", parts.map(([title]) => title).join(", ")),
  );
  for (const [title, text] of parts) {
    details.append(
      element("h4", "", title),
      element("pre", `text-${title.toLowerCase()}`, text),
    );
  }

  const td = cell("detail");
  td.colSpan = columns;
  td.append(details);
  const row = element("tr", "request-detail");
  row.dataset.id = record.id;
  row.append(td);
  return row;
}
