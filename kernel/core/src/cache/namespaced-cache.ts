/**
 * A plugin's handle on the shared cache: every key gets `namespace + ":"` in front, so
 * plugins cannot read or invalidate each other's entries.
 *
 * `peekL1`, the synchronous read of a cached report hit, takes the full key from a
 * bounded map by the plugin's key instead of concatenating `prefix + key` per look-up:
 * a caller that hands the same key string each time (the cached report routes do)
 * then pays one look-up of an already hashed string, and the full key it gets back is
 * the same string each time too (hashed once, for the shared cache's map).
 */
import type {
  CacheGetResult,
  CacheL1Hit,
  CacheService,
  CacheSetOptions,
  CacheStats,
  CacheWrapResult,
} from "@roa2web/plugin-sdk";

/** How many plugin keys `peekL1` keeps the full key of; dropped together when full. */
export const QUALIFIED_KEYS_MAX = 2000;

export class NamespacedCache implements CacheService {
  private readonly prefix: string;
  /** The plugin's key → `prefix + key`, made once (see the class comment). */
  private readonly qualifiedKeys = new Map<string, string>();

  constructor(
    private readonly cache: CacheService,
    namespace: string,
  ) {
    // A ":" inside would let namespace "reports" reach into "reports:archive".
    if (namespace === "" || namespace.includes(":")) {
      throw new RangeError(
        `A cache namespace must be non-empty and contain no ":"; got ${JSON.stringify(namespace)}`,
      );
    }
    this.prefix = `${namespace}:`;
  }

  get<T>(key: string): Promise<CacheGetResult<T> | undefined> {
    return this.cache.get<T>(this.prefix + key);
  }

  set<T>(key: string, value: T, options?: CacheSetOptions): Promise<void> {
    return this.cache.set(this.prefix + key, value, options);
  }

  delete(key: string): Promise<boolean> {
    return this.cache.delete(this.prefix + key);
  }

  invalidatePrefix(prefix: string): Promise<number> {
    return this.cache.invalidatePrefix(this.prefix + prefix);
  }

  wrap<T>(
    key: string,
    compute: () => Promise<T>,
    options?: CacheSetOptions,
  ): Promise<CacheWrapResult<T>> {
    return this.cache.wrap(this.prefix + key, compute, options);
  }

  peekL1<T>(key: string): CacheL1Hit<T> | undefined {
    let qualified = this.qualifiedKeys.get(key);
    if (qualified === undefined) {
      // Bounded: many distinct keys (filters, periods) start the map over, never grow it.
      if (this.qualifiedKeys.size >= QUALIFIED_KEYS_MAX) this.qualifiedKeys.clear();
      qualified = this.prefix + key;
      this.qualifiedKeys.set(key, qualified);
    }
    return this.cache.peekL1<T>(qualified);
  }

  /** How many full keys `peekL1` keeps (tests: it stays bounded). */
  get qualifiedKeyCount(): number {
    return this.qualifiedKeys.size;
  }

  /** The whole cache's numbers: per-namespace counters would cost a map lookup on every read. */
  stats(): Promise<CacheStats> {
    return this.cache.stats();
  }
}
