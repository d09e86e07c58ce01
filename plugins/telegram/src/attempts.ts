/**
 * Failed link attempts per Telegram user in a sliding window (default: 5 per 10
 * minutes). In memory, per plugin instance: a reload or restart forgets it.
 */
export class AttemptLimiter {
  private readonly failures = new Map<number, number[]>();

  constructor(
    readonly maxFailures = 5,
    readonly windowMs = 10 * 60 * 1000,
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
    this.failures.set(key, [...this.recent(key, now), now]);
  }

  reset(key: number): void {
    this.failures.delete(key);
  }
}
