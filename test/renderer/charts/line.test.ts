import { describe, expect, it } from "vitest";

import {
  groupLines,
  limitLines,
  MAX_LINES,
  MAX_POINTS_PER_LINE,
  OTHERS_LABEL,
  type Line,
} from "../../../renderer/src/charts/line.js";

function line(label: string, count: number): Line {
  return {
    label,
    points: Array.from({ length: count }, (_, index) => ({
      x: index,
      y: index,
    })),
  };
}

describe("limitLines", () => {
  it("keeps the latest points of a long line", () => {
    const [kept] = limitLines([line("a", MAX_POINTS_PER_LINE + 50)]);

    expect(kept?.points).toHaveLength(MAX_POINTS_PER_LINE);
    expect(kept?.points[0]?.x).toBe(50);
  });

  it("merges the quietest lines into one", () => {
    const lines = Array.from({ length: MAX_LINES + 3 }, (_, index) =>
      line(`m${index}`, index + 1),
    );
    const kept = limitLines(lines);
    const others = kept.find((entry) => entry.label === OTHERS_LABEL);

    expect(kept).toHaveLength(MAX_LINES);
    expect(kept.map((entry) => entry.label)).not.toContain("m0");
    expect(others?.points).toHaveLength(1 + 2 + 3 + 4);
  });

  it("sorts merged points by time", () => {
    const lines = Array.from({ length: MAX_LINES + 1 }, (_, index) =>
      line(`m${index}`, 3),
    );
    const others = limitLines(lines).find(
      (entry) => entry.label === OTHERS_LABEL,
    );
    const times = others?.points.map((point) => point.x);

    expect(times).toEqual([...(times ?? [])].sort((a, b) => a - b));
  });
});

describe("groupLines", () => {
  it("groups by name and skips missing values", () => {
    const items = [
      { name: "a", value: 1 },
      { name: "b", value: null },
      { name: "a", value: 3 },
      { name: "b", value: 4 },
    ];
    const lines = groupLines(
      items,
      (item) => item.name,
      (item) => (item.value === null ? null : { x: item.value, y: item.value }),
    );

    expect(lines).toEqual([
      {
        label: "a",
        points: [
          { x: 1, y: 1 },
          { x: 3, y: 3 },
        ],
      },
      { label: "b", points: [{ x: 4, y: 4 }] },
    ]);
  });
});
