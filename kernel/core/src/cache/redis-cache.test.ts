// Two kernels' caches on one real Redis (ADR 0029): an invalidation on one reaches the
// other's L1; prefixes are exact; losing Redis leaves L1 serving, and its return drops L1.
import { describeWithServers, type RedisServer, startRedis } from "@roa2web/test-servers";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { RedisConnection } from "../redis/redis-connection.js";
import { createCache } from "./create-cache.js";
import type { TwoLevelCache } from "./two-level-cache.js";

const quiet = { warn: () => undefined, info: () => undefined };

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describeWithServers(["redis"], "the cache on Redis, shared by two kernels", () => {
  let redis: RedisServer;
  const opened: Array<{ cache: TwoLevelCache; connection: RedisConnection }> = [];
  let prefixSeq = 0;

  beforeAll(async () => {
    redis = await startRedis();
  }, 30_000);
  afterAll(async () => {
    await redis?.stop();
  });
  afterEach(async () => {
    for (const { cache, connection } of opened.splice(0)) {
      await cache.close();
      await connection.close();
    }
  });

  /** A kernel's cache with its own connection; each test gets its own key prefix in Redis. */
  async function kernelCache(keyPrefix: string): Promise<TwoLevelCache> {
    const connection = new RedisConnection({ url: redis.url, keyPrefix, logger: quiet });
    await connection.open();
    const cache = await createCache({ url: redis.url, redis: connection, logger: quiet });
    opened.push({ cache, connection });
    return cache;
  }

  async function twoKernels(): Promise<[TwoLevelCache, TwoLevelCache]> {
    prefixSeq += 1;
    const keyPrefix = `test${prefixSeq}-${Date.now()}:`;
    return [await kernelCache(keyPrefix), await kernelCache(keyPrefix)];
  }

  it("opens a Redis of its own for a CACHE_URL other than REDIS_URL, under the key prefix", async () => {
    const cache = await createCache({
      url: redis.url,
      redisKeyPrefix: "own-cache:",
      logger: quiet,
    });
    const probe = new RedisConnection({ url: redis.url, logger: quiet });
    try {
      await cache.set("notes:1", { title: "Factura" });
      await probe.open();
      const raw = await probe.client.get("own-cache:cache:notes:1");
      expect(JSON.parse(raw ?? "{}").value).toMatchObject({ value: { title: "Factura" } });
      expect((await cache.stats()).l2).toMatchObject({ store: "redis", size: 1 });
    } finally {
      await cache.close();
      await probe.close();
    }
  });

  it("serves B from L2 what A stored, and a delete on B drops the key from A's L1", async () => {
    const [a, b] = await twoKernels();
    await a.set("reports:1:dashboard", { total: 10 });
    expect((await b.get("reports:1:dashboard"))?.source).toBe("HIT-L2");
    expect(a.peekL1("reports:1:dashboard")?.value).toEqual({ total: 10 });

    expect(await b.delete("reports:1:dashboard")).toBe(true);
    await until(() => a.peekL1("reports:1:dashboard") === undefined, "A to drop the key");
    expect(await a.get("reports:1:dashboard")).toBeUndefined();
    // B's own L1 went with its own delete, and nobody's L2 has it.
    expect(await b.get("reports:1:dashboard")).toBeUndefined();
  });

  it("drops exactly the keys under a prefix (a tag) on every kernel, in L2 and each L1", async () => {
    const [a, b] = await twoKernels();
    const keys = [
      "reports:1:a",
      "reports:1:b",
      "reports:10:a",
      "reports:1_x",
      "Reports:1:a",
      "reports:1*:z",
    ];
    for (const key of keys) await a.set(key, key);
    for (const key of keys) await b.get(key); // into B's L1 too

    // `:` ends the company's tag: "reports:1:" is not "reports:10:".
    expect(await b.invalidatePrefix("reports:1:")).toBe(2);
    await until(() => a.peekL1("reports:1:a") === undefined, "A to drop the prefix");
    for (const cache of [a, b]) {
      expect(await cache.get("reports:1:a")).toBeUndefined();
      expect(await cache.get("reports:1:b")).toBeUndefined();
      // Case, `_` and `*` are matched as written (no LIKE, no glob).
      for (const kept of ["reports:10:a", "reports:1_x", "Reports:1:a", "reports:1*:z"]) {
        expect((await cache.get(kept))?.value).toBe(kept);
      }
    }
    expect(await a.invalidatePrefix("reports:1*")).toBe(1);
    await until(() => b.peekL1("reports:1*:z") === undefined, "B to drop the glob-looking prefix");
    expect((await b.get("reports:1_x"))?.value).toBe("reports:1_x");
    expect((await a.stats()).l2.size).toBe(3);
  });

  it("does not store on A a value A was computing when B invalidated it", async () => {
    const [a, b] = await twoKernels();
    await a.set("notes:marker", 1);
    let release: ((value: string) => void) | undefined;
    const computing = a.wrap(
      "notes:list",
      () => new Promise<string>((resolve) => (release = resolve)),
    );
    await until(() => release !== undefined, "the computation to start");
    await b.delete("notes:list");
    // Messages arrive in order: once A dropped the marker, it had B's delete before it.
    await b.delete("notes:marker");
    await until(() => a.peekL1("notes:marker") === undefined, "A to read B's messages");
    release?.("rows read before the change");
    expect((await computing).value).toBe("rows read before the change");
    // It answered its caller but was stored nowhere: the next read computes again.
    expect(a.peekL1("notes:list")).toBeUndefined();
    expect(await b.get("notes:list")).toBeUndefined();
  });

  it("keeps serving L1 while Redis is down, says so, and drops L1 when Redis is back", async () => {
    const [a, b] = await twoKernels();
    await a.set("reports:2:aging", { rows: 3 });
    await b.get("reports:2:aging");
    await redis.kill();
    await until(async () => (await a.health()).status === "degraded", "A to notice");
    // Both still answer from L1, and a write or an invalidation does not throw.
    expect(await a.get("reports:2:aging")).toMatchObject({ source: "HIT-L1", value: { rows: 3 } });
    expect(await b.get("reports:2:aging")).toMatchObject({ source: "HIT-L1" });
    await a.set("reports:2:other", 1);
    expect(await b.invalidatePrefix("reports:9:")).toBe(0);

    await redis.restart();
    await until(async () => (await a.health()).status === "up", "A to reconnect", 15_000);
    // What the other kernel invalidated meanwhile is unknown: L1 was dropped whole.
    await until(() => a.peekL1("reports:2:aging") === undefined, "A to drop its L1");
    await until(async () => (await b.health()).status === "up", "B to reconnect", 15_000);
    await until(() => b.peekL1("reports:2:aging") === undefined, "B to drop its L1");

    // Invalidations flow again.
    await a.set("reports:3:x", "fresh");
    await b.get("reports:3:x");
    await a.delete("reports:3:x");
    await until(() => b.peekL1("reports:3:x") === undefined, "B to drop the key after the restart");
  }, 60_000);
});
