/** Line and bar colours, distinct on light and dark backgrounds. */
const COLORS = [
  "#2563eb",
  "#dc2626",
  "#059669",
  "#9333ea",
  "#ea580c",
  "#0891b2",
  "#ca8a04",
  "#db2777",
];

const assigned = new Map<string, string>();

/** Returns the colour of a series name, the same one every time the page draws it. */
export function colorFor(name: string): string {
  let color = assigned.get(name);
  if (color === undefined) {
    color = COLORS[assigned.size % COLORS.length] ?? "#2563eb";

    // Names come and go over hours; forget the oldest so the map stays bounded.
    if (assigned.size >= 64)
      assigned.delete(assigned.keys().next().value as string);
    assigned.set(name, color);
  }
  return color;
}
