/**
 * Lets the first occurrence of a message through and then at most one per
 * interval, counting what it held back, so a dead upstream under load does
 * not flood the log.
 */
export class RepeatLimiter {
  private readonly lastLoggedAt = new Map<string, number>();
  private readonly suppressed = new Map<string, number>();

  constructor(
    private readonly intervalMs = 10_000,
    private readonly maxKeys = 100,
  ) {}

  /** Returns the number of repeats held back since the last pass, or null to hold this one back. */
  pass(key: string, now = Date.now()): number | null {
    const last = this.lastLoggedAt.get(key);

    if (last !== undefined && now - last < this.intervalMs) {
      this.suppressed.set(key, (this.suppressed.get(key) ?? 0) + 1);
      return null;
    }

    // Forget old keys so a long run with many distinct errors stays bounded.
    if (last === undefined && this.lastLoggedAt.size >= this.maxKeys) {
      this.lastLoggedAt.clear();
      this.suppressed.clear();
    }

    const held = this.suppressed.get(key) ?? 0;
    this.lastLoggedAt.set(key, now);
    this.suppressed.delete(key);
    return held;
  }
}
