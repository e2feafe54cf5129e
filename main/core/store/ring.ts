/**
 * A fixed-capacity ring buffer. `push` is O(1) and overwrites the oldest item
 * once the ring is full, so memory stays at `capacity` slots.
 */
export class Ring<T> {
  readonly capacity: number;
  #slots: (T | undefined)[];
  /** Index of the slot the next `push` writes. */
  #head = 0;
  #size = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(
        `Invalid ring capacity ${String(capacity)}: expected a positive integer.`,
      );
    }

    this.capacity = capacity;
    this.#slots = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.#size;
  }

  /** Appends `item` as the newest entry, dropping the oldest when full. */
  push(item: T): void {
    this.#slots[this.#head] = item;
    this.#head = (this.#head + 1) % this.capacity;
    if (this.#size < this.capacity) this.#size += 1;
  }

  /** Yields up to `limit` items, newest first. */
  *newestFirst(limit: number = this.#size): Generator<T> {
    const count = Math.min(limit, this.#size);

    for (let offset = 1; offset <= count; offset++) {
      const index = (this.#head - offset + this.capacity) % this.capacity;
      yield this.#slots[index] as T;
    }
  }

  /** Copies all items into a new array, oldest first. */
  toArray(): T[] {
    return Array.from(this.newestFirst()).reverse();
  }

  /**
   * Places `older` (given oldest first) behind the current items. When the
   * total exceeds capacity the current items are all kept and the oldest of
   * `older` are dropped. This rebuilds the ring, so it costs O(capacity).
   */
  prependOlder(older: readonly T[]): void {
    const current = this.toArray();
    const room = this.capacity - current.length;
    const olderThatFit =
      room > 0 ? older.slice(Math.max(0, older.length - room)) : [];

    this.#slots = new Array<T | undefined>(this.capacity);
    this.#head = 0;
    this.#size = 0;
    for (const item of olderThatFit) this.push(item);
    for (const item of current) this.push(item);
  }
}
