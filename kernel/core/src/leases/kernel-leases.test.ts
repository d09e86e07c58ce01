import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { LeasedWork } from "@roa2web/plugin-sdk";
import { pino } from "pino";
import type { DataSource } from "typeorm";
import { afterEach, describe, expect, it } from "vitest";
import { KERNEL_MIGRATIONS } from "../database/kernel-migrations.js";
import { openSqliteDataSource } from "../database/sqlite-data-source.js";
import { KernelLeases, type LeaseTiming } from "./kernel-leases.js";
import { SqliteLeaseStore } from "./lease-store.js";

/** Short enough for a test; the proportions of the defaults (renew ≈ ttl/3). */
const TIMING: LeaseTiming = { ttlMs: 600, renewMs: 150, retryMs: 50 };
const silent = pino({ level: "silent" });

const opened: DataSource[] = [];
const runs: LeasedWork[] = [];
afterEach(async () => {
  await Promise.all(runs.splice(0).map((run) => run.stop()));
  await Promise.all(opened.splice(0).map((source) => source.destroy()));
});

/** Two "kernels": each its own connection to one kernel database, as two processes have. */
async function twoKernels(): Promise<{
  a: KernelLeases;
  b: KernelLeases;
  store: SqliteLeaseStore;
}> {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), "roa2web-leases-")), "kernel.db");
  const kernel = async (holder: string) => {
    const { dataSource } = await openSqliteDataSource({
      file,
      entities: [],
      migrations: KERNEL_MIGRATIONS,
    });
    opened.push(dataSource);
    return new KernelLeases(new SqliteLeaseStore(dataSource), silent, TIMING, holder);
  };
  const a = await kernel("host:1:a");
  const b = await kernel("host:2:b");
  return { a, b, store: a.store as SqliteLeaseStore };
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000) {
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

describe("KernelLeases", () => {
  it("lets exactly one of two kernels run the work, and hands it over when the holder stops", async () => {
    const { a, b } = await twoKernels();
    const log: string[] = [];
    const onA = a.run("telegram.poller", tracked("a", log));
    runs.push(onA);
    await until(() => onA.held, "a to hold the lease");
    const onB = b.run("telegram.poller", tracked("b", log));
    runs.push(onB);
    // Several renewal periods: b keeps standing by, a keeps the lease.
    await sleep(TIMING.ttlMs * 2);
    expect(onA.held).toBe(true);
    expect(onB.held).toBe(false);
    expect(onB.holder()).toMatchObject({ id: "host:1:a#1", mine: false });
    expect(log).toEqual(["a start"]);

    await onA.stop();
    await until(() => onB.held, "b to take the lease");
    // a's work ended before b's began: never two at once.
    expect(log).toEqual(["a start", "a end", "b start"]);
    expect(onB.holder()).toMatchObject({ id: "host:2:b#1", mine: true });
  });

  it("takes over a lease whose holder died only once it lapsed", async () => {
    const { b, store } = await twoKernels();
    // A kernel that took the lease and was then killed: it never renews nor releases.
    const dead = await store.acquire("telegram.poller", "host:9:dead", TIMING.ttlMs, Date.now());
    const log: string[] = [];
    const onB = b.run("telegram.poller", tracked("b", log));
    runs.push(onB);
    await until(() => onB.holder() !== undefined, "b to see the holder");
    expect(onB.held).toBe(false);
    expect(onB.holder()?.id).toBe("host:9:dead");
    await until(() => onB.held, "b to take the lapsed lease");
    expect(Date.now()).toBeGreaterThanOrEqual(dead.expiresAtMs);
    expect(log).toEqual(["b start"]);
  });

  it("stops the work when another kernel holds the lease at renewal", async () => {
    const { a, b, store } = await twoKernels();
    const log: string[] = [];
    const onA = a.run("jobs.nightly", tracked("a", log));
    runs.push(onA);
    await until(() => onA.held, "a to hold the lease");
    // As if a's renewals had stalled past the expiry and b had taken it meanwhile.
    await a.store.release("jobs.nightly", "host:1:a#1");
    await store.acquire("jobs.nightly", b.holderId, 60_000, Date.now());
    await until(() => log.includes("a end"), "a's work to stop");
    expect(onA.held).toBe(false);
    expect(onA.holder()).toMatchObject({ id: "host:2:b", mine: false });
  });

  it("releases the lease when stopped, and runs the work again after it ended by itself", async () => {
    const { a, store } = await twoKernels();
    let rounds = 0;
    const onA = a.run("jobs.once", async () => {
      rounds += 1;
    });
    runs.push(onA);
    await until(() => rounds >= 2, "the work to run again");
    await onA.stop();
    expect(await store.list()).toEqual([]);
  });

  it("makes a second run of one lease in the same kernel (a reloading plugin) wait for the first", async () => {
    const { a } = await twoKernels();
    const log: string[] = [];
    const old = a.scoped("telegram", silent);
    const oldRun = old.run("poller", tracked("old", log));
    await until(() => oldRun.held, "the old instance to hold the lease");
    const fresh = a.scoped("telegram", silent);
    const freshRun = fresh.run("poller", tracked("new", log));
    runs.push(freshRun);
    await sleep(TIMING.ttlMs);
    expect(freshRun.held).toBe(false);
    expect(freshRun.holder()).toMatchObject({ mine: true });
    await old.stop();
    await until(() => freshRun.held, "the new instance to take the lease");
    expect(log).toEqual(["old start", "old end", "new start"]);
  });

  it("shows each live lease and its holder for /health, and refuses a bad or doubled name", async () => {
    const { a, b } = await twoKernels();
    const onA = a.run("telegram.poller", tracked("a", []));
    runs.push(onA);
    await until(() => onA.held, "a to hold the lease");
    const health = await b.health();
    expect(health).toMatchObject({
      status: "up",
      data: {
        kernel: "host:2:b",
        leases: { "telegram.poller": { holder: "host:1:a#1", this_kernel: false } },
      },
    });
    expect(() => a.run("Telegram Poller", async () => undefined)).toThrow(/lower-case/);
    const scoped = b.scoped("telegram", silent);
    const viaPlugin = scoped.run("poller", async () => undefined);
    expect(viaPlugin.name).toBe("telegram.poller");
    await scoped.stop();
  });
});
