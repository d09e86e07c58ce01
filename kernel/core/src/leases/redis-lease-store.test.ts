// Leases of two kernels on one real Redis: one holder; a dead holder (no release) is
// replaced once its key expires; clocks that disagree do not matter; losing Redis stops
// the work at once (better none than two).
import type { LeasedWork } from "@roa2web/plugin-sdk";
import { describeWithServers, type RedisServer, startRedis } from "@roa2web/test-servers";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { RedisConnection } from "../redis/redis-connection.js";
import { KernelLeases, type LeaseTiming } from "./kernel-leases.js";
import type { LeaseStore } from "./lease-store.js";
import { RedisLeaseStore } from "./redis-lease-store.js";

const TIMING: LeaseTiming = { ttlMs: 600, renewMs: 150, retryMs: 50 };
const silent = pino({ level: "silent" });
const quiet = { warn: () => undefined, info: () => undefined };

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Work that records when it runs and ends when its signal aborts. */
function tracked(name: string, log: string[]) {
  return async (signal: AbortSignal) => {
    log.push(`${name} start`);
    await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve()));
    log.push(`${name} end`);
  };
}

describeWithServers(["redis"], "leases on Redis, shared by two kernels", () => {
  let redis: RedisServer;
  const connections: RedisConnection[] = [];
  const runs: LeasedWork[] = [];
  let run = 0;

  beforeAll(async () => {
    redis = await startRedis();
  }, 30_000);
  afterAll(async () => {
    await redis?.stop();
  });
  afterEach(async () => {
    await Promise.all(runs.splice(0).map((work) => work.stop()));
    await Promise.all(connections.splice(0).map((connection) => connection.close()));
  });

  /** A kernel's leases on its own connection, wired as kernel.ts wires them. */
  async function kernel(
    keyPrefix: string,
    holder: string,
    skewMs = 0,
    timing = TIMING,
  ): Promise<{ leases: KernelLeases; connection: RedisConnection }> {
    const connection = new RedisConnection({ url: redis.url, keyPrefix, logger: quiet });
    await connection.open();
    connections.push(connection);
    const store = new RedisLeaseStore(connection.client, keyPrefix);
    // A machine whose clock is `skewMs` ahead: every time it reads is off by that much.
    const skewed: LeaseStore = {
      acquire: (name, who, ttlMs, now) => store.acquire(name, who, ttlMs, now + skewMs),
      release: (name, who) => store.release(name, who),
      list: () => store.list(),
    };
    const leases = new KernelLeases(skewMs === 0 ? store : skewed, silent, timing, holder);
    connection.on("lost", () => leases.giveUpAll());
    return { leases, connection };
  }

  function prefix(): string {
    run += 1;
    return `leases${run}-${Date.now()}:`;
  }

  it("lets one kernel hold the lease, and another take it once the holder died without releasing", async () => {
    const keyPrefix = prefix();
    const a = await kernel(keyPrefix, "host-a:1:a");
    const b = await kernel(keyPrefix, "host-b:2:b");
    const log: string[] = [];
    const onA = a.leases.run("telegram.poller", tracked("a", log));
    runs.push(onA);
    await until(() => onA.held, "a to hold the lease");
    const onB = b.leases.run("telegram.poller", tracked("b", log));
    runs.push(onB);
    await sleep(TIMING.ttlMs * 2);
    expect([onA.held, onB.held]).toEqual([true, false]);
    expect(onB.holder()).toMatchObject({ id: "host-a:1:a#1", mine: false });
    const health = await b.leases.health();
    expect(health.data?.leases).toMatchObject({
      "telegram.poller": { holder: "host-a:1:a#1", this_kernel: false },
    });

    // A's process dies: its connection is cut, nothing is released.
    a.connection.client.disconnect();
    a.connection.subscriber.disconnect();
    const diedAt = Date.now();
    await until(() => onB.held, "b to take over");
    // Not before the lease lapsed in Redis (no release), and A's work had already stopped.
    expect(Date.now() - diedAt).toBeGreaterThanOrEqual(TIMING.ttlMs - TIMING.renewMs - 50);
    expect(log).toEqual(["a start", "a end", "b start"]);
  });

  it("does not let a kernel whose clock is an hour ahead take a live lease", async () => {
    const keyPrefix = prefix();
    const a = await kernel(keyPrefix, "host-a:1:a");
    const b = await kernel(keyPrefix, "host-b:2:b", 3_600_000);
    const log: string[] = [];
    const onA = a.leases.run("reports.refresh", tracked("a", log));
    runs.push(onA);
    await until(() => onA.held, "a to hold the lease");
    const onB = b.leases.run("reports.refresh", tracked("b", log));
    runs.push(onB);
    await sleep(TIMING.ttlMs * 3);
    expect(onB.held).toBe(false);
    expect(log).toEqual(["a start"]);
    await onA.stop();
    await until(() => onB.held, "b to take the released lease");
  });

  it("stops the work at once when Redis is lost, and takes the lease again when it is back", async () => {
    const keyPrefix = prefix();
    // A lease far longer than the test waits: only giving up on the lost connection
    // (not the lease lapsing) can stop A's work in time.
    const long = { ...TIMING, ttlMs: 60_000 };
    const a = await kernel(keyPrefix, "host-a:1:a", 0, long);
    const b = await kernel(keyPrefix, "host-b:2:b", 0, long);
    const log: string[] = [];
    const onA = a.leases.run("telegram.poller", tracked("a", log));
    runs.push(onA);
    await until(() => onA.held, "a to hold the lease");
    runs.push(b.leases.run("telegram.poller", tracked("b", log)));

    await redis.kill();
    await until(() => !onA.held, "a to give the work up");
    expect(log).toEqual(["a start", "a end"]);
    await expect(a.leases.health()).rejects.toThrow();

    await redis.restart();
    // Redis came back empty: exactly one of the two takes the lease.
    await until(() => log.length === 3, "one kernel to run the work again", 15_000);
    await sleep(1000);
    expect(log.filter((line) => line.endsWith("start"))).toHaveLength(2);
    expect(log.slice(2)).toHaveLength(1);
  }, 60_000);
});
