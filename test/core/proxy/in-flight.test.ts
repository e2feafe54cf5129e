import { describe, expect, it } from "vitest";

import { InFlight } from "../../../main/core/proxy/in-flight.js";

interface Item {
  name: string;
  inFlightSlot: number;
}

function item(name: string): Item {
  return { name, inFlightSlot: -1 };
}

function names(set: InFlight<Item>): string[] {
  return set
    .values()
    .map((entry) => entry.name)
    .sort();
}

describe("InFlight", () => {
  it("counts the items added", () => {
    const set = new InFlight<Item>();
    set.add(item("a"));
    set.add(item("b"));

    expect(set.size).toBe(2);
  });

  it("adds an item once however often it is added", () => {
    const set = new InFlight<Item>();
    const a = item("a");
    set.add(a);
    set.add(a);

    expect(set.size).toBe(1);
  });

  it("keeps the other items when one in the middle is removed", () => {
    const set = new InFlight<Item>();
    const [a, b, c] = [item("a"), item("b"), item("c")];
    for (const entry of [a, b, c]) set.add(entry);

    set.delete(b);

    expect(names(set)).toEqual(["a", "c"]);
  });

  it("can remove the item moved into a freed slot", () => {
    const set = new InFlight<Item>();
    const [a, b, c] = [item("a"), item("b"), item("c")];
    for (const entry of [a, b, c]) set.add(entry);

    set.delete(a);
    set.delete(c);

    expect(names(set)).toEqual(["b"]);
  });

  it("marks a removed item as outside any set", () => {
    const set = new InFlight<Item>();
    const a = item("a");
    set.add(a);
    set.delete(a);

    expect(a.inFlightSlot).toBe(-1);
  });

  it("returns false for an item it lacks", () => {
    const set = new InFlight<Item>();
    set.add(item("a"));

    expect(set.delete(item("b"))).toBe(false);
  });

  it("ignores a second removal of an item", () => {
    const set = new InFlight<Item>();
    const [a, b] = [item("a"), item("b")];
    set.add(a);
    set.add(b);
    set.delete(a);
    set.delete(a);

    expect(names(set)).toEqual(["b"]);
  });

  it("ignores an item of another set", () => {
    const first = new InFlight<Item>();
    const second = new InFlight<Item>();
    const a = item("a");
    first.add(a);
    second.add(item("b"));

    expect(second.delete(a)).toBe(false);
  });

  it("allows removal while iterating values()", () => {
    const set = new InFlight<Item>();
    for (const name of ["a", "b", "c", "d"]) set.add(item(name));

    for (const entry of set.values()) set.delete(entry);

    expect(set.size).toBe(0);
  });
});
