/**
 * A plugin's handle on the shared cache: every key gets `namespace + ":"` in front, so
 * plugins cannot read or invalidate each other's entries.
 */
import type {
  CacheGetResult,
  CacheL1Hit,
  CacheService,
  CacheSetOptions,
  CacheStats,
  CacheWrapResult,
} from "@roa2web/plugin-sdk";

export class NamespacedCache implements CacheService {
  private readonly prefix: string;

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
    return this.cache.peekL1<T>(this.prefix + key);
  }

  /** The whole cache's numbers: per-namespace counters would cost a map lookup on every read. */
  stats(): Promise<CacheStats> {
    return this.cache.stats();
  }
}
