/** Which level answered a cache read: what `X-Cache` reports. */
export type CacheSource = "HIT-L1" | "HIT-L2" | "MISS";

export interface CacheGetResult<T> {
  value: T;
  source: Exclude<CacheSource, "MISS">;
  /** When the value was stored (ms since epoch), for an `Age` header. */
  storedAt: number;
}

/** What `peekL1` answers: a value the in-process level holds, unexpired. */
export interface CacheL1Hit<T> {
  value: T;
  source: "HIT-L1";
  /** When the value was stored (ms since epoch), for an `Age` header. */
  storedAt: number;
}

export interface CacheWrapResult<T> {
  value: T;
  source: CacheSource;
  storedAt: number;
}

export interface CacheSetOptions {
  /** Time to live in milliseconds; the service default when omitted. */
  ttlMs?: number;
}

export interface CacheLevelStats {
  hits: number;
  misses: number;
  size: number;
}

export interface CacheStats {
  l1: CacheLevelStats & { maxEntries: number };
  l2: CacheLevelStats & { store: string };
  sets: number;
  deletes: number;
}

/**
 * The two-level cache. A plugin's handle is namespaced: its keys cannot collide with
 * another plugin's, and `invalidatePrefix("")` clears only its own entries.
 */
export interface CacheService {
  get<T>(key: string): Promise<CacheGetResult<T> | undefined>;
  set<T>(key: string, value: T, options?: CacheSetOptions): Promise<void>;
  delete(key: string): Promise<boolean>;
  /** Deletes every entry whose key starts with the prefix; returns how many. */
  invalidatePrefix(prefix: string): Promise<number>;
  /** Returns the cached value, or computes, stores and returns it (one computation per key at a time). */
  wrap<T>(
    key: string,
    compute: () => Promise<T>,
    options?: CacheSetOptions,
  ): Promise<CacheWrapResult<T>>;
  /**
   * The value if the in-process level (L1) holds it unexpired, synchronously; otherwise
   * `undefined`, and nothing else happens (no L2 read, no computation, no miss counted:
   * the `wrap` or `get` the caller falls back to counts it). For a hot path that answers
   * an L1 hit without awaiting. A hit counts in `stats()` as an L1 hit, like `wrap`'s.
   */
  peekL1<T>(key: string): CacheL1Hit<T> | undefined;
  stats(): Promise<CacheStats>;
}
