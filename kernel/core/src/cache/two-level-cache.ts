/**
 * The kernel's `cache` service: an in-process LRU (L1) in front of a shared keyv
 * store (L2). L2 is optional in practice — when it fails, reads and writes carry on
 * from L1 and a warning is logged.
 */

import type {
  CacheGetResult,
  CacheL1Hit,
  CacheService,
  CacheSetOptions,
  CacheStats,
  CacheWrapResult,
  HealthStatus,
} from "@roa2web/plugin-sdk";
import type Keyv from "keyv";
import { LRUCache } from "lru-cache";
import {
  type CacheEntry,
  createEntry,
  entryFromStore,
  isCacheEntry,
  isExpired,
} from "./cache-entry.js";
import type { Invalidation, InvalidationBus } from "./invalidation-bus.js";
import { type Clocks, type L2Maintenance, maintenanceFor } from "./l2-maintenance.js";
import { NamespacedCache } from "./namespaced-cache.js";

export interface CacheLogger {
  warn(object: object, message?: string): void;
}

export interface TwoLevelCacheOptions {
  /** Default 1000, as the old reports cache. */
  l1MaxEntries?: number;
  /** Default 5 minutes. */
  defaultTtlMs?: number;
  /** Any keyv instance. The cache takes it over: it sets `throwOnErrors` and disconnects it on close. */
  l2: Keyv;
  /** Reported in stats, e.g. "sqlite". */
  l2StoreName: string;
  logger?: CacheLogger;
  /** The cache's clock, for tests. keyv keeps using Date.now for its own `expires`. */
  now?: () => number;
  /**
   * With an L2 shared by several kernels (Redis): tells the others what this one
   * invalidated and drops from L1 what they invalidated (ADR 0029).
   */
  bus?: InvalidationBus;
}

export interface TwoLevelCacheStats extends CacheStats {
  /** `size` is -1 when the store could not be counted; `errors` counts failed L2 operations. */
  l2: CacheStats["l2"] & { errors: number };
}

type Hit = { entry: CacheEntry; source: "HIT-L1" | "HIT-L2" };

interface Computation {
  promise: Promise<CacheWrapResult<unknown>>;
  /** Set when the key is deleted mid-computation: the result may predate the delete. */
  state: { invalidated: boolean };
}

const DEFAULT_L1_MAX_ENTRIES = 1000;
const DEFAULT_TTL_MS = 5 * 60 * 1000;
/** The L2 key `/health` writes and deletes; no plugin namespace starts with "kernel.". */
const HEALTH_PROBE_KEY = "kernel.health-probe";
/** A dead L2 fails every request; one warning per interval is enough to notice. */
const WARN_INTERVAL_MS = 10_000;
/** Invalidations L2 refused, kept to apply when it is back; past this many, the oldest go. */
const MAX_PENDING_INVALIDATIONS = 10_000;

export class TwoLevelCache implements CacheService {
  readonly l1MaxEntries: number;
  readonly defaultTtlMs: number;
  private readonly l1: LRUCache<string, CacheEntry>;
  private readonly l2: Keyv;
  private readonly l2StoreName: string;
  private readonly l2Maintenance: L2Maintenance;
  /** What keyv puts in front of our keys in the store (its namespace), if anything. */
  private readonly l2KeyPrefix: string;
  private readonly logger: CacheLogger;
  private readonly now: () => number;
  private readonly computations = new Map<string, Computation>();
  /**
   * L2 writes of computed values, by key. `wrap` answers as soon as L1 holds the value
   * and writes L2 after the response had its turn (setImmediate): serialising a large
   * report for SQLite is not on the caller's path. Readers, deletes and close wait for
   * a pending write of their keys, so nothing reads around it or resurrects a deleted key.
   */
  private readonly pendingL2Writes = new Map<string, Promise<void>>();
  private readonly counters = {
    l1Hits: 0,
    l1Misses: 0,
    l2Hits: 0,
    l2Misses: 0,
    l2Errors: 0,
    sets: 0,
    deletes: 0,
  };
  /** Bumped by every delete: an L2 read that straddles one must not refill L1 with what was deleted. */
  private deleteEpoch = 0;
  private sweeper: NodeJS.Timeout | undefined;
  private sweeping: Promise<number> | undefined;
  private closed = false;
  private lastWarningAt = Number.NEGATIVE_INFINITY;
  private suppressedWarnings = 0;
  private readonly bus: InvalidationBus | undefined;
  /**
   * Deletes and prefix invalidations that failed in L2 (it was down), applied again and
   * told to the other kernels when it is back: otherwise the old L2 entries would come
   * back after L1 was dropped. Keyed `key:<k>` / `prefix:<p>`, oldest first.
   */
  private readonly pendingInvalidations = new Map<string, Invalidation>();

  constructor(options: TwoLevelCacheOptions) {
    this.l1MaxEntries = options.l1MaxEntries ?? DEFAULT_L1_MAX_ENTRIES;
    if (!Number.isInteger(this.l1MaxEntries) || this.l1MaxEntries < 1) {
      throw new RangeError(`l1MaxEntries must be a positive integer; got ${this.l1MaxEntries}`);
    }
    this.defaultTtlMs = checkTtl(options.defaultTtlMs ?? DEFAULT_TTL_MS);
    // Looked up per call, so a test's fake Date is seen (and keyv uses the same one).
    this.now = options.now ?? (() => Date.now());
    // lru-cache reads the same clock as our entries so both agree on expiry; exact
    // reads (ttlResolution 0) because a 1 ms cached "now" would disagree at the edge.
    this.l1 = new LRUCache({
      max: this.l1MaxEntries,
      perf: { now: () => this.now() },
      ttlResolution: 0,
    });
    this.l2 = options.l2;
    // Without this keyv turns a failing store.get into a silent miss (not even an
    // "error" event): we could neither log nor count L2 failures.
    this.l2.throwOnErrors = true;
    this.l2StoreName = options.l2StoreName;
    this.l2Maintenance = maintenanceFor(this.l2);
    this.l2KeyPrefix = this.l2.useKeyPrefix && this.l2.namespace ? `${this.l2.namespace}:` : "";
    this.logger = options.logger ?? { warn: (object, message) => console.warn(message, object) };
    this.bus = options.bus;
    this.bus?.listen({
      invalidated: (invalidation) => this.dropFromL1(invalidation),
      resumed: () => {
        this.resume().catch((error: unknown) => this.warnL2(error, "resume"));
      },
    });
  }

  async get<T>(key: string): Promise<CacheGetResult<T> | undefined> {
    const hit = await this.lookup(key);
    return hit && { value: hit.entry.value as T, source: hit.source, storedAt: hit.entry.storedAt };
  }

  async set<T>(key: string, value: T, options?: CacheSetOptions): Promise<void> {
    await this.store(key, value, this.ttlFor(options));
  }

  async delete(key: string): Promise<boolean> {
    this.forgetComputations((candidate) => candidate === key);
    await this.settleL2Writes((candidate) => candidate === key);
    const inL1 = this.l1.has(key);
    this.l1.delete(key);
    let inL2 = false;
    try {
      inL2 = await this.l2.delete(key);
      await this.bus?.publish({ kind: "key", target: key });
    } catch (error) {
      this.warnL2(error, "delete", key);
      this.keepPending({ kind: "key", target: key });
    }
    const removed = inL1 || inL2;
    if (removed) this.counters.deletes += 1;
    return removed;
  }

  /** Counts each removed key once, whether it was in L1, L2 or both; expired rows are removed but not counted. */
  async invalidatePrefix(prefix: string): Promise<number> {
    this.forgetComputations((candidate) => candidate.startsWith(prefix));
    await this.settleL2Writes((candidate) => candidate.startsWith(prefix));
    const removed = new Set<string>();
    for (const key of [...this.l1.keys()]) {
      if (!key.startsWith(prefix)) continue;
      this.l1.delete(key);
      removed.add(key);
    }
    try {
      const rawKeys = await this.l2Maintenance.deletePrefix(
        this.l2KeyPrefix + prefix,
        this.clocks(),
      );
      for (const rawKey of rawKeys) removed.add(rawKey.slice(this.l2KeyPrefix.length));
      await this.bus?.publish({ kind: "prefix", target: prefix });
    } catch (error) {
      // L2 keeps what it had: applied again when it is back (with a bus), else those
      // entries can come back until their TTL ends.
      this.warnL2(error, "invalidatePrefix", prefix);
      this.keepPending({ kind: "prefix", target: prefix });
    }
    this.counters.deletes += removed.size;
    return removed.size;
  }

  /**
   * Concurrent callers for one key share one lookup and one computation (the first
   * caller's `ttlMs` applies). A failed computation is not stored; its error reaches
   * every caller waiting on it.
   */
  wrap<T>(
    key: string,
    compute: () => Promise<T>,
    options?: CacheSetOptions,
  ): Promise<CacheWrapResult<T>> {
    // The hot path: an L1 hit answers without a computation record, an async chain or
    // a `finally` (≈2 µs of a cached report's request, measured).
    let hit: CacheL1Hit<T> | undefined;
    try {
      this.ttlFor(options); // the same argument check as a miss gets
      hit = this.peekL1<T>(key);
    } catch (error) {
      return Promise.reject(error);
    }
    return hit === undefined ? this.wrapMiss(key, compute, options) : Promise.resolve(hit);
  }

  /** An unexpired L1 entry, counted as an L1 hit; a miss is left for `wrap`/`get` to count. */
  peekL1<T>(key: string): CacheL1Hit<T> | undefined {
    const local = this.l1.get(key);
    if (local === undefined || isExpired(local, this.now())) return undefined;
    this.counters.l1Hits += 1;
    return { value: local.value as T, source: "HIT-L1", storedAt: local.storedAt };
  }

  private async wrapMiss<T>(
    key: string,
    compute: () => Promise<T>,
    options?: CacheSetOptions,
  ): Promise<CacheWrapResult<T>> {
    // An async function runs synchronously up to its first await: the check and the
    // registration below happen together, so two callers can never both compute.
    const running = this.computations.get(key);
    if (running) return running.promise as Promise<CacheWrapResult<T>>;
    const ttlMs = this.ttlFor(options);
    const state = { invalidated: false };
    const promise: Promise<CacheWrapResult<unknown>> = this.lookupOrCompute(
      key,
      compute,
      ttlMs,
      state,
    ).finally(() => {
      if (this.computations.get(key)?.promise === promise) this.computations.delete(key);
    });
    this.computations.set(key, { promise, state });
    return promise as Promise<CacheWrapResult<T>>;
  }

  /**
   * For `/health`: writes, reads and deletes one row in L2. A store that fails (disk
   * full, I/O error, a read-only file) makes the cache `degraded`, not down: L1 keeps
   * serving and requests carry on (see warnL2).
   */
  async health(): Promise<HealthStatus> {
    let failure: unknown;
    try {
      await this.l2.set(HEALTH_PROBE_KEY, Date.now(), 60_000);
      await this.l2.get(HEALTH_PROBE_KEY);
      await this.l2.delete(HEALTH_PROBE_KEY);
    } catch (error) {
      failure = error;
      this.warnL2(error, "health");
    }
    const stats = await this.stats();
    const data = { l1: stats.l1, l2: stats.l2 };
    if (failure === undefined) return { status: "up", data };
    return {
      status: "degraded",
      detail: `The L2 store fails (${describeFailure(failure)}); serving from L1 only`,
      data,
    };
  }

  async stats(): Promise<TwoLevelCacheStats> {
    await this.settleL2Writes(() => true); // count what has been stored, written or not
    this.l1.purgeStale(); // otherwise `size` counts expired entries nobody has read yet
    let l2Size = -1;
    try {
      l2Size = await this.l2Maintenance.count(this.l2KeyPrefix, this.clocks());
    } catch (error) {
      this.warnL2(error, "stats");
    }
    const { l1Hits, l1Misses, l2Hits, l2Misses, l2Errors, sets, deletes } = this.counters;
    return {
      l1: { hits: l1Hits, misses: l1Misses, size: this.l1.size, maxEntries: this.l1MaxEntries },
      l2: {
        hits: l2Hits,
        misses: l2Misses,
        size: l2Size,
        store: this.l2StoreName,
        errors: l2Errors,
      },
      sets,
      deletes,
    };
  }

  /** A view whose keys all start with `namespace + ":"`; what each plugin receives. */
  namespaced(namespace: string): CacheService {
    return new NamespacedCache(this, namespace);
  }

  /** Another kernel's invalidation: drop the keys here too (it already removed them from L2). */
  private dropFromL1(invalidation: Invalidation): void {
    const matches =
      invalidation.kind === "key"
        ? (key: string) => key === invalidation.target
        : (key: string) => key.startsWith(invalidation.target);
    // A computation running here may have read the data before it changed: not stored.
    this.forgetComputations(matches);
    for (const key of [...this.l1.keys()]) if (matches(key)) this.l1.delete(key);
  }

  /**
   * The bus was down and is back: what the other kernels invalidated meanwhile is
   * unknown, so L1 is dropped whole (it refills from L2, which they did clear); and the
   * invalidations L2 refused here are applied now and told to the others.
   */
  private async resume(): Promise<void> {
    this.forgetComputations(() => true);
    this.l1.clear();
    const pending = [...this.pendingInvalidations];
    for (const [id, invalidation] of pending) {
      if (invalidation.kind === "key") await this.l2.delete(invalidation.target);
      else
        await this.l2Maintenance.deletePrefix(
          this.l2KeyPrefix + invalidation.target,
          this.clocks(),
        );
      this.pendingInvalidations.delete(id);
      await this.bus?.publish(invalidation);
    }
  }

  private keepPending(invalidation: Invalidation): void {
    if (this.bus === undefined) return;
    const id = `${invalidation.kind}:${invalidation.target}`;
    this.pendingInvalidations.delete(id);
    this.pendingInvalidations.set(id, invalidation);
    if (this.pendingInvalidations.size > MAX_PENDING_INVALIDATIONS) {
      const oldest = this.pendingInvalidations.keys().next().value;
      if (oldest !== undefined) this.pendingInvalidations.delete(oldest);
    }
  }

  /** Drops L1 only (memory pressure, tests); L2 refills it on the next reads. */
  clearL1(): void {
    this.l1.clear();
  }

  /**
   * Deletes expired L2 rows and returns how many. Needed because @keyv/sqlite never
   * deletes expired rows itself (keyv #1804): keyv only drops one when it is read.
   * Throws when L2 fails, so an explicit caller sees it; the timer only logs.
   */
  sweepExpired(): Promise<number> {
    if (!this.sweeping) {
      this.l1.purgeStale();
      this.sweeping = this.l2Maintenance.deleteExpired(this.clocks()).finally(() => {
        this.sweeping = undefined;
      });
    }
    return this.sweeping;
  }

  startSweeper(intervalMs: number): void {
    if (!Number.isFinite(intervalMs) || intervalMs <= 0) {
      throw new RangeError(`The sweep interval must be a positive number of ms; got ${intervalMs}`);
    }
    clearInterval(this.sweeper);
    this.sweeper = setInterval(() => {
      this.sweepExpired().catch((error: unknown) => this.warnL2(error, "sweepExpired"));
    }, intervalMs);
    this.sweeper.unref(); // a cache chore must never keep the process alive
  }

  /** Stops the sweeper, waits for a running sweep and disconnects L2. Safe to call twice (@keyv/sqlite is not). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweeper);
    this.sweeper = undefined;
    await this.sweeping?.catch(() => undefined);
    await this.settleL2Writes(() => true);
    this.l1.clear();
    try {
      await this.l2.disconnect();
    } catch (error) {
      this.warnL2(error, "close");
    }
  }

  private async lookup(key: string): Promise<Hit | undefined> {
    const local = this.l1.get(key);
    if (local && !isExpired(local, this.now())) {
      this.counters.l1Hits += 1;
      return { entry: local, source: "HIT-L1" };
    }
    this.counters.l1Misses += 1;
    const pending = this.pendingL2Writes.get(key);
    if (pending) await pending;
    const epoch = this.deleteEpoch;
    const stored = await this.readL2(key);
    if (!stored) {
      this.counters.l2Misses += 1;
      return undefined;
    }
    this.counters.l2Hits += 1;
    // Copy back with what is left of its TTL, not a fresh one (cacheable #1169 does
    // not copy back at all). lru-cache reads ttl 0 as "forever": skip an entry that
    // has less than 1 ms left.
    const remainingMs = stored.expiresAt - this.now();
    if (epoch === this.deleteEpoch && remainingMs >= 1 && !this.closed) {
      this.l1.set(key, stored, { ttl: Math.ceil(remainingMs) });
    }
    return { entry: stored, source: "HIT-L2" };
  }

  private async readL2(key: string): Promise<CacheEntry | undefined> {
    let data: unknown;
    try {
      data = await this.l2.get(key);
    } catch (error) {
      this.warnL2(error, "get", key);
      return undefined;
    }
    // keyv judged expiry by Date.now; our clock decides too. The sweeper removes the row.
    if (!isCacheEntry(data) || isExpired(data, this.now())) return undefined;
    return entryFromStore(data);
  }

  private async store(key: string, value: unknown, ttlMs: number): Promise<CacheEntry> {
    const entry = this.storeL1(key, value, ttlMs);
    try {
      await this.l2.set(key, entry, ttlMs);
    } catch (error) {
      this.warnL2(error, "set", key);
    }
    return entry;
  }

  private storeL1(key: string, value: unknown, ttlMs: number): CacheEntry {
    const entry = createEntry(value, ttlMs, this.now());
    this.l1.set(key, entry, { ttl: ttlMs });
    this.counters.sets += 1;
    return entry;
  }

  /** Stores in L1 now and in L2 once the current I/O turn is over (see pendingL2Writes). */
  private storeSoon(key: string, value: unknown, ttlMs: number): CacheEntry {
    const entry = this.storeL1(key, value, ttlMs);
    const write: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.l2.set(key, entry, ttlMs))
      .then(
        () => undefined,
        (error: unknown) => this.warnL2(error, "set", key),
      )
      .finally(() => {
        if (this.pendingL2Writes.get(key) === write) this.pendingL2Writes.delete(key);
      });
    this.pendingL2Writes.set(key, write);
    return entry;
  }

  private async settleL2Writes(matches: (key: string) => boolean): Promise<void> {
    const writes = [...this.pendingL2Writes].filter(([key]) => matches(key));
    await Promise.all(writes.map(([, write]) => write));
  }

  private async lookupOrCompute(
    key: string,
    compute: () => Promise<unknown>,
    ttlMs: number,
    state: Computation["state"],
  ): Promise<CacheWrapResult<unknown>> {
    const hit = await this.lookup(key);
    if (hit) return { value: hit.entry.value, source: hit.source, storedAt: hit.entry.storedAt };
    const value = await compute();
    // Invalidated while computing: answer the callers, but do not store a value
    // that may have been read before the data changed.
    const entry = state.invalidated
      ? createEntry(value, ttlMs, this.now())
      : this.storeSoon(key, value, ttlMs);
    return { value: entry.value, source: "MISS", storedAt: entry.storedAt };
  }

  /** New callers must start a fresh computation; the running one must not store. */
  private forgetComputations(matches: (key: string) => boolean): void {
    this.deleteEpoch += 1;
    for (const [key, computation] of this.computations) {
      if (!matches(key)) continue;
      computation.state.invalidated = true;
      this.computations.delete(key);
    }
  }

  private ttlFor(options: CacheSetOptions | undefined): number {
    return options?.ttlMs === undefined ? this.defaultTtlMs : checkTtl(options.ttlMs);
  }

  private clocks(): Clocks {
    return { now: this.now(), wallNow: Date.now() };
  }

  private warnL2(error: unknown, operation: string, key?: string): void {
    this.counters.l2Errors += 1;
    const at = performance.now();
    if (at - this.lastWarningAt < WARN_INTERVAL_MS) {
      this.suppressedWarnings += 1;
      return;
    }
    this.logger.warn(
      {
        err: error,
        operation,
        key,
        store: this.l2StoreName,
        suppressedSinceLast: this.suppressedWarnings,
      },
      "Cache L2 store failed; carrying on with L1 only",
    );
    this.lastWarningAt = at;
    this.suppressedWarnings = 0;
  }
}

function describeFailure(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return typeof code === "string" ? code : String(message ?? error);
}

/** A TTL is a positive number of ms; 0 would mean "forever" to both lru-cache and keyv. */
function checkTtl(ttlMs: number): number {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new RangeError(`A cache TTL must be a positive number of ms; got ${ttlMs}`);
  }
  return Math.ceil(ttlMs);
}
