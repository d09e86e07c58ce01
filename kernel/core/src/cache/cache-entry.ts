/**
 * The record both levels hold for one key: the value plus when it was stored and when
 * it expires, so any level can answer `Age` and compute a remaining TTL.
 */

export interface CacheEntry {
  value: unknown;
  /** ms since epoch, by the cache's clock. */
  storedAt: number;
  /** ms since epoch; the entry is alive while `now <= expiresAt` (keyv and lru-cache agree). */
  expiresAt: number;
}

export function createEntry(value: unknown, ttlMs: number, now: number): CacheEntry {
  return Object.freeze({ value: toCachedValue(value), storedAt: now, expiresAt: now + ttlMs });
}

export function isExpired(entry: CacheEntry, now: number): boolean {
  return now > entry.expiresAt;
}

/** Anything read back from L2 is untrusted: another writer may share the store. */
export function isCacheEntry(data: unknown): data is CacheEntry {
  if (typeof data !== "object" || data === null) return false;
  const { storedAt, expiresAt } = data as Partial<CacheEntry>;
  return "value" in data && Number.isFinite(storedAt) && Number.isFinite(expiresAt);
}

/** An entry rebuilt from L2: its value is a fresh object, frozen before L1 shares it. */
export function entryFromStore(data: CacheEntry): CacheEntry {
  return Object.freeze({
    value: deepFreeze(data.value),
    storedAt: data.storedAt,
    expiresAt: data.expiresAt,
  });
}

/**
 * Round-trips the value through JSON and freezes the copy. The copy makes an L1 hit
 * return exactly what an L2 hit would (a Date becomes a string on both levels, not
 * only on L2), rejects what L2 could not store, and leaves the caller's own object
 * unfrozen. Freezing is what stops a caller who sorts a cached report in place from
 * silently changing every later HIT-L1 answer; it costs one walk per store, not per read.
 */
function toCachedValue(value: unknown): unknown {
  const json = JSON.stringify(value);
  if (json === undefined) {
    throw new TypeError(`Cache values must be JSON-serialisable; got ${typeof value}`);
  }
  return deepFreeze(JSON.parse(json));
}

function deepFreeze<T>(value: T): T {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) return value;
  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}
