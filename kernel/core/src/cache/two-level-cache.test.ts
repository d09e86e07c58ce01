import Keyv from "keyv";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { useCacheFile } from "./cache-file.test-helper.js";
import { type NamespacedCache, QUALIFIED_KEYS_MAX } from "./namespaced-cache.js";
import type { SqliteStore } from "./sqlite-store.js";
import { type CacheLogger, TwoLevelCache, type TwoLevelCacheOptions } from "./two-level-cache.js";

const cacheFile = useCacheFile();
const sqliteKeyv = (namespace?: string) => cacheFile.keyv(namespace);
const rowKeys = () => cacheFile.rowKeys();
let clock: { ms: number };
const quietLogger: CacheLogger = { warn: () => undefined };

beforeEach(() => {
  clock = { ms: Date.now() };
});

afterEach(() => {
  vi.useRealTimers();
});

function makeCache(options: Partial<TwoLevelCacheOptions> = {}): TwoLevelCache {
  const cache = new TwoLevelCache({
    l2StoreName: "sqlite",
    logger: quietLogger,
    now: () => clock.ms,
    ...options,
    l2: options.l2 ?? sqliteKeyv(), // only when needed: an unclosed connection outlives the temp dir
  });
  cacheFile.closeAfter(() => cache.close());
  return cache;
}

function deferred<T>(): {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
} {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("reads", () => {
  it("misses, then answers from L1 with the time the value was stored", async () => {
    const cache = makeCache();
    expect(await cache.get("a")).toBeUndefined();
    const storedAt = clock.ms;
    await cache.set("a", { total: 42 });
    clock.ms += 1500;
    expect(await cache.get("a")).toEqual({ value: { total: 42 }, source: "HIT-L1", storedAt });
  });

  it("answers from L2 once L1 is cleared, then from L1 again", async () => {
    const cache = makeCache();
    const storedAt = clock.ms;
    await cache.set("a", [1, 2, 3]);
    cache.clearL1();
    clock.ms += 1000;
    expect(await cache.get("a")).toEqual({ value: [1, 2, 3], source: "HIT-L2", storedAt });
    expect(await cache.get("a")).toEqual({ value: [1, 2, 3], source: "HIT-L1", storedAt });
  });

  it("does not refill L1 from an L2 read that straddles a delete", async () => {
    const cache = makeCache();
    await cache.set("k", 1);
    cache.clearL1();
    const reading = cache.get("k");
    const deleting = cache.delete("k");
    expect((await reading)?.source).toBe("HIT-L2"); // read before the delete landed
    expect(await deleting).toBe(true);
    expect(await cache.get("k")).toBeUndefined();
  });

  it("keeps entries in the SQLite file for the next instance", async () => {
    const first = makeCache();
    const storedAt = clock.ms;
    await first.set("report", { rows: ["x"] });
    await first.close();

    clock.ms += 2000;
    const second = makeCache();
    expect(await second.get("report")).toEqual({
      value: { rows: ["x"] },
      source: "HIT-L2",
      storedAt,
    });
    expect((await second.get("report"))?.source).toBe("HIT-L1");
  });

  it("returns frozen copies: L1 and L2 answers look alike and cannot be changed in place", async () => {
    const cache = makeCache();
    const original = { when: new Date(0), rows: [{ n: 1 }] };
    await cache.set("a", original);
    expect(Object.isFrozen(original)).toBe(false);

    const fromL1 = await cache.get<{ when: string; rows: Array<{ n: number }> }>("a");
    cache.clearL1();
    const fromL2 = await cache.get<{ when: string; rows: Array<{ n: number }> }>("a");
    expect(fromL1?.value).toEqual({ when: "1970-01-01T00:00:00.000Z", rows: [{ n: 1 }] });
    expect(fromL2?.value).toEqual(fromL1?.value);
    const rows = fromL1?.value.rows ?? [];
    expect(() => rows.push({ n: 2 })).toThrow(TypeError);
    expect(() => {
      (rows[0] as { n: number }).n = 5;
    }).toThrow(TypeError);
  });

  it("stores null but refuses values JSON cannot hold", async () => {
    const cache = makeCache();
    await cache.set("nothing", null);
    cache.clearL1();
    expect((await cache.get("nothing"))?.value).toBeNull();
    await expect(cache.set("fn", () => 1)).rejects.toThrow(TypeError);
    await expect(cache.set("big", 1n)).rejects.toThrow(TypeError);
  });
});

describe("TTL", () => {
  it("expires an entry on both levels just after its TTL", async () => {
    const cache = makeCache();
    await cache.set("a", 1, { ttlMs: 1000 });
    clock.ms += 1000;
    expect((await cache.get("a"))?.source).toBe("HIT-L1");
    clock.ms += 1;
    expect(await cache.get("a")).toBeUndefined();
    // Gone for readers, but the row stays until a sweep (keyv #1804).
    expect(rowKeys()).toEqual(["a"]);
    const stats = await cache.stats();
    expect([stats.l1.size, stats.l2.size]).toEqual([0, 0]);
  });

  it("uses the default TTL when none is given", async () => {
    const cache = makeCache({ defaultTtlMs: 2000 });
    await cache.set("a", 1);
    clock.ms += 2001;
    expect(await cache.get("a")).toBeUndefined();
  });

  it("copies an L2 hit into L1 with only the TTL it has left", async () => {
    const cache = makeCache();
    await cache.set("a", 1, { ttlMs: 10_000 });
    cache.clearL1();
    clock.ms += 4000;
    expect((await cache.get("a"))?.source).toBe("HIT-L2");
    clock.ms += 6000; // 10 000 ms after the set: still alive
    expect((await cache.get("a"))?.source).toBe("HIT-L1");
    clock.ms += 1;
    expect(await cache.get("a")).toBeUndefined();
  });

  it("follows the wall clock by default, in step with keyv's own expiry", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const cache = makeCache({ now: undefined });
    await cache.set("read", 1, { ttlMs: 1000 });
    await cache.set("unread", 2, { ttlMs: 1000 });
    vi.setSystemTime(Date.now() + 1001);
    expect(await cache.get("read")).toBeUndefined();
    expect(rowKeys()).toEqual(["unread"]); // keyv drops an expired row it reads, and only that one
    expect(await cache.sweepExpired()).toBe(1);
    expect(rowKeys()).toEqual([]);
  });

  it("refuses a TTL that is not a positive number of ms", async () => {
    const cache = makeCache();
    await expect(cache.set("a", 1, { ttlMs: 0 })).rejects.toThrow(RangeError);
    await expect(cache.wrap("a", async () => 1, { ttlMs: -5 })).rejects.toThrow(RangeError);
    // Also when the key is in L1 (the hit path answers without computing).
    await cache.wrap("b", async () => 1);
    await expect(cache.wrap("b", async () => 2, { ttlMs: -5 })).rejects.toThrow(RangeError);
    expect(await cache.wrap("b", async () => 2)).toMatchObject({ value: 1, source: "HIT-L1" });
    expect(
      () => new TwoLevelCache({ l2: new Keyv(), l2StoreName: "memory", defaultTtlMs: Number.NaN }),
    ).toThrow(RangeError);
  });
});

describe("L1 capacity", () => {
  it("evicts the least recently used entry from L1 only", async () => {
    const cache = makeCache({ l1MaxEntries: 3 });
    await cache.set("a", "A");
    await cache.set("b", "B");
    await cache.set("c", "C");
    await cache.get("a"); // b is now the least recently used
    await cache.set("d", "D");

    expect((await cache.stats()).l1.size).toBe(3);
    expect((await cache.get("a"))?.source).toBe("HIT-L1");
    expect((await cache.get("b"))?.source).toBe("HIT-L2");
    expect((await cache.stats()).l1.size).toBe(3);
    expect(rowKeys()).toEqual(["a", "b", "c", "d"]);
  });
});

describe.each([
  { label: "keys stored as given", namespace: undefined, rawPrefix: "" },
  { label: "keys under keyv's namespace", namespace: "keyv", rawPrefix: "keyv:" },
])("invalidatePrefix ($label)", ({ namespace, rawPrefix }) => {
  it("removes matching keys from both levels and counts each once", async () => {
    const cache = makeCache({ l2: sqliteKeyv(namespace) });
    await cache.set("reports:inv:old", 0, { ttlMs: 10 });
    clock.ms += 11;
    for (const key of [
      "reports:inv:1",
      "reports:inv:2",
      "reports:dash",
      "REPORTS:inv:3",
      "a_b",
      "axb",
      "a%c",
    ]) {
      await cache.set(key, key);
    }
    cache.clearL1();
    await cache.get("reports:inv:1"); // in both levels; reports:inv:2 only in L2

    expect(await cache.invalidatePrefix("reports:inv:")).toBe(2);
    expect(await cache.get("reports:inv:1")).toBeUndefined();
    expect(await cache.get("reports:inv:2")).toBeUndefined();
    expect((await cache.get("reports:dash"))?.value).toBe("reports:dash");
    expect((await cache.get("REPORTS:inv:3"))?.value).toBe("REPORTS:inv:3");

    // `_` and `%` are plain characters, not LIKE wildcards.
    expect(await cache.invalidatePrefix("a_")).toBe(1);
    expect(await cache.invalidatePrefix("a%")).toBe(1);
    expect(await cache.invalidatePrefix("nothing")).toBe(0);
    expect(rowKeys()).toEqual(
      ["REPORTS:inv:3", "axb", "reports:dash"].map((key) => rawPrefix + key),
    );
    expect((await cache.stats()).deletes).toBe(4);
  });
});

describe("namespaced views", () => {
  it("keep plugins' keys apart and invalidate only their own", async () => {
    const cache = makeCache();
    const reports = cache.namespaced("reports");
    const dataEntry = cache.namespaced("data-entry");
    await reports.set("k", "from reports");
    await dataEntry.set("k", "from data-entry");
    await cache.set("reportsX", "kernel");

    expect((await reports.get("k"))?.value).toBe("from reports");
    expect((await dataEntry.get("k"))?.value).toBe("from data-entry");
    expect((await cache.get("reports:k"))?.value).toBe("from reports");

    expect(await reports.invalidatePrefix("")).toBe(1);
    expect(await reports.get("k")).toBeUndefined();
    expect((await dataEntry.get("k"))?.value).toBe("from data-entry");
    expect(rowKeys()).toEqual(["data-entry:k", "reportsX"]);
    expect((await reports.stats()).sets).toBe(3);
  });

  it("refuse a namespace that could overlap another", () => {
    const cache = makeCache();
    expect(() => cache.namespaced("")).toThrow(RangeError);
    expect(() => cache.namespaced("reports:archive")).toThrow(RangeError);
  });
});

describe("wrap", () => {
  it("computes once for concurrent callers of a missing key", async () => {
    const cache = makeCache();
    const gate = deferred<{ total: number }>();
    let calls = 0;
    const compute = () => {
      calls += 1;
      return gate.promise;
    };
    const pending = Array.from({ length: 10 }, () => cache.wrap("dashboard", compute));
    gate.resolve({ total: 7 });
    const results = await Promise.all(pending);

    expect(calls).toBe(1);
    for (const result of results)
      expect(result).toEqual({ value: { total: 7 }, source: "MISS", storedAt: clock.ms });
    expect(await cache.wrap("dashboard", compute)).toMatchObject({ source: "HIT-L1" });
    expect(calls).toBe(1);
    expect(await cache.stats()).toMatchObject({
      l1: { hits: 1, misses: 1 },
      l2: { hits: 0, misses: 1 },
      sets: 1,
    });
  });

  it("gives a failed computation's error to every waiter and caches nothing", async () => {
    const cache = makeCache();
    const gate = deferred<number>();
    let calls = 0;
    const failing = () => {
      calls += 1;
      return gate.promise;
    };
    const pending = Array.from({ length: 10 }, () => cache.wrap("x", failing));
    await vi.waitFor(() => expect(calls).toBe(1)); // reject only once someone awaits the computation
    const failure = new Error("ERP down");
    gate.reject(failure);
    const outcomes = await Promise.allSettled(pending);

    expect(calls).toBe(1);
    expect(
      outcomes.every((outcome) => outcome.status === "rejected" && outcome.reason === failure),
    ).toBe(true);
    expect(await cache.get("x")).toBeUndefined();
    expect(rowKeys()).toEqual([]);
    expect(await cache.wrap("x", async () => 5)).toMatchObject({ value: 5, source: "MISS" });
  });

  it("does not store a value whose key was deleted while it was computed", async () => {
    const cache = makeCache();
    const gate = deferred<string>();
    let computing = false;
    const first = cache.wrap("k", () => {
      computing = true;
      return gate.promise;
    });
    await vi.waitFor(() => expect(computing).toBe(true));
    await cache.invalidatePrefix("k");

    // A caller after the delete starts afresh instead of joining the stale computation.
    const second = cache.wrap("k", async () => "fresh");
    gate.resolve("stale");
    expect(await first).toMatchObject({ value: "stale", source: "MISS" });
    expect(await second).toMatchObject({ value: "fresh", source: "MISS" });
    expect((await cache.get("k"))?.value).toBe("fresh");
  });

  it("answers before writing L2, yet an L2 read, a delete or close never goes around that write", async () => {
    const cache = makeCache();
    expect(await cache.wrap("big", async () => ({ rows: [1, 2, 3] }))).toMatchObject({
      source: "MISS",
    });
    // The L2 write is scheduled, not done: the SQLite file does not have it yet.
    expect(rowKeys()).toEqual([]);
    cache.clearL1();
    // A read that misses L1 waits for the pending write and finds the value in L2.
    expect(await cache.get("big")).toMatchObject({ value: { rows: [1, 2, 3] }, source: "HIT-L2" });

    await cache.wrap("gone", async () => "x");
    // Deleting right away waits for the write first, so it cannot land afterwards.
    expect(await cache.delete("gone")).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    cache.clearL1();
    expect(await cache.get("gone")).toBeUndefined();

    await cache.wrap("late", async () => "kept");
    await cache.close();
    const reopened = makeCache();
    expect(await reopened.get("late")).toMatchObject({ value: "kept", source: "HIT-L2" });
  });
});

describe("sweeping", () => {
  it("deletes expired rows from the SQLite file", async () => {
    const cache = makeCache();
    for (const key of ["a", "b", "c"]) await cache.set(key, key, { ttlMs: 1000 });
    for (const key of ["d", "e"]) await cache.set(key, key, { ttlMs: 60_000 });
    clock.ms += 1001;
    expect(rowKeys()).toHaveLength(5);

    expect(await cache.sweepExpired()).toBe(3);
    expect(rowKeys()).toEqual(["d", "e"]);
    expect(await cache.sweepExpired()).toBe(0);
  });

  it("sweeps on a timer until closed, and closes twice safely", async () => {
    const cache = makeCache();
    await cache.set("a", 1, { ttlMs: 1000 });
    clock.ms += 1001;
    cache.startSweeper(20);
    await vi.waitFor(() => expect(rowKeys()).toEqual([]), { timeout: 2000, interval: 20 });
    await cache.close();
    await cache.close();
  });
});

describe("a failing L2", () => {
  const broken = () => {
    throw new Error("disk on fire");
  };

  it("degrades to L1 without failing reads or writes", async () => {
    const warn = vi.fn();
    const l2 = new Keyv({ get: broken, set: broken, delete: broken, clear: broken } as never);
    const cache = makeCache({ l2, l2StoreName: "broken", logger: { warn } });

    await cache.set("a", 1);
    expect((await cache.get("a"))?.source).toBe("HIT-L1");
    expect(await cache.get("b")).toBeUndefined();
    expect(await cache.wrap("c", async () => 3)).toMatchObject({ value: 3, source: "MISS" });
    expect(await cache.delete("a")).toBe(true);
    expect(await cache.invalidatePrefix("")).toBe(1);

    const stats = await cache.stats();
    expect(stats.l2).toMatchObject({ size: -1, store: "broken", misses: 2, hits: 0 });
    // set a, get b, get+set c, delete a, invalidatePrefix, the count in stats()
    expect(stats.l2.errors).toBe(7);
    expect(warn).toHaveBeenCalledTimes(1); // later failures are folded into the next warning
    expect(warn.mock.calls[0]?.[0]).toMatchObject({ operation: "set", key: "a", store: "broken" });
  });

  it("keeps answering when the SQLite connection goes away", async () => {
    const l2 = sqliteKeyv();
    const cache = makeCache({ l2 });
    await cache.set("a", 1);
    await (l2.store as SqliteStore).disconnect();

    expect((await cache.get("a"))?.source).toBe("HIT-L1");
    expect(await cache.get("b")).toBeUndefined();
    await cache.set("c", 3);
    expect((await cache.get("c"))?.source).toBe("HIT-L1");
    expect(await cache.sweepExpired().catch((error: Error) => error.message)).toMatch(/not open/);
  });
});

describe("peekL1", () => {
  it("answers an L1 entry synchronously, as wrap's hit would, and counts it as an L1 hit", async () => {
    const cache = makeCache();
    const storedAt = clock.ms;
    await cache.wrap("report", async () => ({ total: 3 }));
    clock.ms += 2500;
    const peeked = cache.peekL1<{ total: number }>("report");
    expect(peeked).toEqual({ value: { total: 3 }, source: "HIT-L1", storedAt });
    const wrapped = await cache.wrap("report", async () => ({ total: 4 }));
    expect(wrapped).toEqual(peeked);
    expect(peeked?.value).toBe(wrapped.value); // the very same frozen value
    const { l1 } = await cache.stats();
    expect([l1.hits, l1.misses]).toEqual([2, 1]);
  });

  it("answers undefined for a missing key without counting a miss or reading L2", async () => {
    const cache = makeCache();
    await cache.set("only-in-l2", 1);
    cache.clearL1();
    expect(cache.peekL1("only-in-l2")).toBeUndefined();
    expect(cache.peekL1("nowhere")).toBeUndefined();
    const stats = await cache.stats();
    expect([stats.l1.hits, stats.l1.misses, stats.l2.hits, stats.l2.misses]).toEqual([0, 0, 0, 0]);
    // L1 is still empty: the peek did not copy the L2 entry back.
    expect(stats.l1.size).toBe(0);
  });

  it("respects the TTL: alive up to its expiry, gone one ms later", async () => {
    const cache = makeCache();
    await cache.set("a", "x", { ttlMs: 1000 });
    clock.ms += 1000;
    expect(cache.peekL1("a")?.value).toBe("x");
    clock.ms += 1;
    expect(cache.peekL1("a")).toBeUndefined();
  });

  it("sees nothing after a delete or an invalidation", async () => {
    const cache = makeCache();
    await cache.set("r:1", 1);
    await cache.set("r:2", 2);
    await cache.delete("r:1");
    expect(cache.peekL1("r:1")).toBeUndefined();
    await cache.invalidatePrefix("r:");
    expect(cache.peekL1("r:2")).toBeUndefined();
  });

  it("stays within a namespaced view's own keys", async () => {
    const cache = makeCache();
    const reports = cache.namespaced("reports");
    await reports.set("k", "mine");
    await cache.set("k", "kernel's");
    expect(reports.peekL1("k")?.value).toBe("mine");
    expect(cache.namespaced("data-entry").peekL1("k")).toBeUndefined();
  });

  it("keeps a bounded number of a namespaced view's full keys, and reads right past the bound", async () => {
    const cache = makeCache({ l1MaxEntries: QUALIFIED_KEYS_MAX + 10 });
    const reports = cache.namespaced("reports") as NamespacedCache;
    for (let index = 0; index < QUALIFIED_KEYS_MAX + 5; index++) {
      await reports.set(`k:${index}`, index);
      expect(reports.peekL1(`k:${index}`)?.value).toBe(index);
      expect(reports.qualifiedKeyCount).toBeLessThanOrEqual(QUALIFIED_KEYS_MAX);
    }
    // Remembered or looked up afresh, each key reads its own entry; a dropped one is gone.
    expect(reports.peekL1("k:0")?.value).toBe(0);
    expect(reports.peekL1(`k:${QUALIFIED_KEYS_MAX + 4}`)?.value).toBe(QUALIFIED_KEYS_MAX + 4);
    await reports.delete(`k:${QUALIFIED_KEYS_MAX + 4}`);
    expect(reports.peekL1(`k:${QUALIFIED_KEYS_MAX + 4}`)).toBeUndefined();
  });
});

describe("stats", () => {
  it("counts exactly what each level did", async () => {
    const cache = makeCache();
    await cache.set("a", 1);
    await cache.set("b", 2);
    expect((await cache.stats()).l2.size).toBe(2);

    await cache.get("a"); // L1 hit
    await cache.get("x"); // L1 miss, L2 miss
    cache.clearL1();
    await cache.get("b"); // L1 miss, L2 hit
    await cache.get("b"); // L1 hit
    expect(await cache.delete("a")).toBe(true);
    expect(await cache.delete("missing")).toBe(false);
    expect(await cache.invalidatePrefix("b")).toBe(1);

    expect(await cache.stats()).toEqual({
      l1: { hits: 2, misses: 2, size: 0, maxEntries: 1000 },
      l2: { hits: 1, misses: 1, size: 0, store: "sqlite", errors: 0 },
      sets: 2,
      deletes: 2,
    });
  });
});
