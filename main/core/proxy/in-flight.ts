/** An item of an {@link InFlight} set, which records the item's position in it. */
export interface InFlightItem {
  /** Index in the set's array, or -1 while the item is not in a set. */
  inFlightSlot: number;
}

/**
 * The requests a proxy has in flight, in an array where removal moves the
 * last item into the freed slot. Adding and removing are O(1), and a removed
 * item's slot is overwritten or cleared.
 *
 * With a Map or Set here, V8's young-generation collector promoted the
 * objects of every request to the old generation: about 2 MB per scavenge at
 * 32 concurrent requests (`node --trace-gc-nvp`), freed only by full
 * collections. The likely cause is that a hash table replaced as it fills
 * keeps its old entries, so finished requests stay reachable from old tables.
 */
export class InFlight<T extends InFlightItem> {
  private readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  add(item: T): void {
    if (item.inFlightSlot !== -1) return;
    item.inFlightSlot = this.items.length;
    this.items.push(item);
  }

  /** Removes `item` and returns false when it was not in the set. */
  delete(item: T): boolean {
    const slot = item.inFlightSlot;
    if (slot === -1 || this.items[slot] !== item) return false;

    const last = this.items.pop()!;
    if (last !== item) {
      this.items[slot] = last;
      last.inFlightSlot = slot;
    }
    item.inFlightSlot = -1;
    return true;
  }

  /** Returns a copy of the items, so that callers may remove items while they iterate. */
  values(): T[] {
    return this.items.slice();
  }
}
