/** One row of a plain-text table: the label, then the values. */
export type Row = readonly string[];

/** Formats rows as a table with the first column left-aligned and the others right-aligned, indented by two spaces. */
export function table(rows: readonly Row[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, index) => {
      widths[index] = Math.max(widths[index] ?? 0, cell.length);
    });
  }

  return rows
    .map((row) =>
      row
        .map((cell, index) =>
          index === 0
            ? cell.padEnd(widths[index] ?? 0)
            : cell.padStart(widths[index] ?? 0),
        )
        .join("  ")
        .trimEnd(),
    )
    .map((line) => `  ${line}`)
    .join("\n");
}
