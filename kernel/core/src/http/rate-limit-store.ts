/**
 * Counters that outlive a route generation, kept in the kernel and handed to each one:
 * a counter kept per generation would be forgotten (and a limit reset) by every plugin
 * enable, disable or reload.
 *
 * - `createSharedRateLimitStore`: the store @fastify/rate-limit uses for routes that
 *   declare `config.rateLimit`.
 * - `MemoryLoginAttemptStore`: the sign-in attempts behind auth/login-throttle.ts. Its
 *   interface is what a shared store (Redis) for several kernel processes must offer:
 *   each method is one atomic step on one key (INCR + PEXPIRE, a small Lua script for
 *   the back-off), and every time comes from the caller.
 */
interface Entry {
  current: number;
  ttl: number;
  windowStart: number;
}

type Callback = (error: Error | null, result: { current: number; ttl: number }) => void;

const MAX_KEYS = 10_000;

export function createSharedRateLimitStore() {
  const entries = new Map<string, Entry>();
  const store = {
    incr(key: string, callback: Callback, timeWindow: number) {
      const now = Date.now();
      let entry = entries.get(key);
      if (!entry || entry.windowStart + timeWindow <= now) {
        entry = { current: 0, ttl: timeWindow, windowStart: now };
        entries.delete(key);
        if (entries.size >= MAX_KEYS) {
          const oldest = entries.keys().next().value;
          if (oldest !== undefined) entries.delete(oldest);
        }
        entries.set(key, entry);
      }
      entry.current += 1;
      entry.ttl = entry.windowStart + timeWindow - now;
      callback(null, { current: entry.current, ttl: entry.ttl });
    },
    read(key: string, callback: Callback, timeWindow: number) {
      const now = Date.now();
      const entry = entries.get(key);
      if (!entry || entry.windowStart + timeWindow <= now)
        return callback(null, { current: 0, ttl: 0 });
      callback(null, { current: entry.current, ttl: entry.windowStart + timeWindow - now });
    },
    child() {
      return store;
    },
  };
  // The plugin calls `new Store(options)`: a constructor that returns the shared object.
  return function SharedStore() {
    return store;
  } as unknown as new (
    ...args: unknown[]
  ) => typeof store;
}

/** How a back-off counter spaces attempts: the wait after `failures` counted failures. */
export interface BackoffRule {
  /** Failures allowed without any wait. */
  freeAttempts: number;
  /** The wait after the first failure past the free ones; doubled after each further one. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A counter is forgotten this long after its last counted failure. */
  forgetMs: number;
}

export function backoffDelayMs(failures: number, rule: BackoffRule): number {
  if (failures < rule.freeAttempts) return 0;
  const doublings = Math.min(30, failures - rule.freeAttempts);
  return Math.min(rule.maxDelayMs, rule.baseDelayMs * 2 ** doublings);
}

export interface LoginAttemptStore {
  /**
   * Counts one attempt in a fixed window that starts with the key's first counted
   * attempt. Returns the count (this one included) and when the window ends.
   */
  countInWindow(
    key: string,
    nowMs: number,
    windowMs: number,
  ): Promise<{ count: number; resetAtMs: number }>;
  /**
   * Counts one attempt unless it comes sooner after the previous counted one than the
   * rule allows; then counts nothing and says how long to wait (0 when counted).
   */
  countWithBackoff(key: string, nowMs: number, rule: BackoffRule): Promise<{ waitMs: number }>;
  /** Takes one counted attempt back (it turned out not to be a failure). */
  uncount(key: string): Promise<void>;
  /** Forgets the key (a successful sign-in clears its account's back-off). */
  forget(key: string): Promise<void>;
}

interface Counter {
  count: number;
  /** Window counters: when the window ends. Back-off counters: when the last attempt was counted. */
  atMs: number;
  expiresAtMs: number;
}

/** One process's sign-in attempts, bounded to `maxKeys` (the oldest key goes first). */
export class MemoryLoginAttemptStore implements LoginAttemptStore {
  private readonly counters = new Map<string, Counter>();

  constructor(private readonly maxKeys = MAX_KEYS) {}

  async countInWindow(key: string, nowMs: number, windowMs: number) {
    let counter = this.live(key, nowMs);
    if (!counter) {
      counter = { count: 0, atMs: nowMs + windowMs, expiresAtMs: nowMs + windowMs };
      this.put(key, counter);
    }
    counter.count += 1;
    return { count: counter.count, resetAtMs: counter.atMs };
  }

  async countWithBackoff(key: string, nowMs: number, rule: BackoffRule) {
    const counter = this.live(key, nowMs);
    if (counter) {
      const readyAtMs = counter.atMs + backoffDelayMs(counter.count, rule);
      if (nowMs < readyAtMs) return { waitMs: readyAtMs - nowMs };
      counter.count += 1;
      counter.atMs = nowMs;
      counter.expiresAtMs = nowMs + rule.forgetMs;
    } else {
      this.put(key, { count: 1, atMs: nowMs, expiresAtMs: nowMs + rule.forgetMs });
    }
    return { waitMs: 0 };
  }

  async uncount(key: string) {
    const counter = this.counters.get(key);
    if (counter === undefined) return;
    counter.count -= 1;
    if (counter.count <= 0) this.counters.delete(key);
  }

  async forget(key: string) {
    this.counters.delete(key);
  }

  private live(key: string, nowMs: number): Counter | undefined {
    const counter = this.counters.get(key);
    if (counter === undefined || counter.expiresAtMs > nowMs) return counter;
    this.counters.delete(key);
    return undefined;
  }

  private put(key: string, counter: Counter): void {
    if (this.counters.size >= this.maxKeys) {
      const oldest = this.counters.keys().next().value;
      if (oldest !== undefined) this.counters.delete(oldest);
    }
    this.counters.set(key, counter);
  }
}
