/**
 * Failed link attempts per Telegram user in a sliding window (default: 5 per 10
 * minutes). In memory, per plugin instance: a reload or restart forgets it. Bounded:
 * at most `maxKeys` users are tracked; beyond that the one not heard from for the
 * longest is forgotten first, so a flood of new Telegram accounts cannot grow it.
 */
export class AttemptLimiter {
  /** Failure times per user; Map order = least recently failed first. */
  private readonly failures = new Map<number, number[]>();

  constructor(
    readonly maxFailures = 5,
    readonly windowMs = 10 * 60 * 1000,
    readonly maxKeys = 10_000,
  ) {}

  private recent(key: number, now: number): number[] {
    const kept = (this.failures.get(key) ?? []).filter((at) => now - at < this.windowMs);
    if (kept.length === 0) this.failures.delete(key);
    else this.failures.set(key, kept);
    return kept;
  }

  /** Whether this user may try another code now. */
  allowed(key: number, now = Date.now()): boolean {
    return this.recent(key, now).length < this.maxFailures;
  }

  fail(key: number, now = Date.now()): void {
    // Only the last maxFailures times matter for the decision.
    const times = [...this.recent(key, now), now].slice(-this.maxFailures);
    this.failures.delete(key);
    this.failures.set(key, times);
    if (this.failures.size > this.maxKeys) this.evict();
  }

  reset(key: number): void {
    this.failures.delete(key);
  }

  /** How many users are tracked now. */
  get size(): number {
    return this.failures.size;
  }

  /**
   * Forgets the users who failed least recently until in bounds: the Map keeps them
   * first, and their failures are the first to leave the window anyway. O(1) each.
   */
  private evict(): void {
    for (const key of this.failures.keys()) {
      if (this.failures.size <= this.maxKeys) break;
      this.failures.delete(key);
    }
  }
}
