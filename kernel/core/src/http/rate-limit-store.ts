/**
 * @fastify/rate-limit keeps counters in a store it creates per registration, so a
 * new route generation would forget every counter (and reset the login limit). This
 * store lives in the kernel and is handed to each generation.
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
