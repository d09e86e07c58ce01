import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CacheConfigurationError, createCache } from "./create-cache.js";
import type { TwoLevelCache } from "./two-level-cache.js";

let dir: string;
const opened: TwoLevelCache[] = [];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "roa2web-create-cache-"));
});

afterEach(async () => {
  for (const cache of opened.splice(0)) await cache.close();
  vi.useRealTimers();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function open(
  url: string,
  options: { sweepIntervalMs?: number } = {},
): Promise<TwoLevelCache> {
  const cache = await createCache({ url, logger: { warn: () => undefined }, ...options });
  opened.push(cache);
  return cache;
}

function countRows(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare("SELECT count(*) AS n FROM keyv").get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe("sqlite://", () => {
  it("creates the folder, turns on WAL and keeps entries for the next start", async () => {
    const file = path.join(dir, "data", "nested", "cache.db");
    const first = await open(`sqlite://${file}`);
    await first.set("reports:dashboard", { total: 1 });
    expect((await first.stats()).l2.store).toBe("sqlite");
    await first.close();

    const db = new Database(file, { readonly: true });
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    db.close();

    const second = await open(`sqlite://${file}`);
    expect(await second.get("reports:dashboard")).toMatchObject({
      value: { total: 1 },
      source: "HIT-L2",
    });
  });

  it("stores keys as given, without keyv's namespace", async () => {
    const file = path.join(dir, "cache.db");
    const cache = await open(`sqlite://${file}`);
    await cache.namespaced("keyv").set("x", "plugin");
    await cache.set("x", "kernel");
    const db = new Database(file, { readonly: true });
    const keys = (
      db.prepare("SELECT key FROM keyv ORDER BY key").all() as Array<{ key: string }>
    ).map((r) => r.key);
    db.close();
    expect(keys).toEqual(["keyv:x", "x"]);
  });

  it("sweeps on a timer when asked to", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const file = path.join(dir, "cache.db");
    const cache = await open(`sqlite://${file}`, { sweepIntervalMs: 20 });
    await cache.set("a", 1, { ttlMs: 1000 });
    await cache.set("b", 1, { ttlMs: 60_000 });
    vi.setSystemTime(Date.now() + 1001);
    await vi.waitFor(() => expect(countRows(file)).toBe(1), { timeout: 2000, interval: 20 });
  });

  it("fails at startup, clearly, when the file cannot be opened", async () => {
    const blocker = path.join(dir, "not-a-folder");
    fs.writeFileSync(blocker, "");
    await expect(createCache({ url: `sqlite://${blocker}/cache.db` })).rejects.toThrow(
      CacheConfigurationError,
    );
    // A folder where the file should be: the folder exists, opening fails.
    await expect(createCache({ url: `sqlite://${dir}` })).rejects.toThrow(
      /Cannot open the cache database/,
    );
  });

  it("moves a file that is not a database aside and starts with an empty cache", async () => {
    const file = path.join(dir, "cache.db");
    const garbage = Buffer.from("this is not SQLite at all, just bytes ".repeat(200));
    fs.writeFileSync(file, garbage);
    const warnings: Array<{ object: Record<string, unknown>; message?: string }> = [];
    const cache = await createCache({
      url: `sqlite://${file}`,
      logger: { warn: (object, message) => warnings.push({ object: { ...object }, message }) },
    });
    opened.push(cache);

    const aside = fs.readdirSync(dir).filter((name) => name.startsWith("cache.db.corrupt-"));
    expect(aside).toHaveLength(1);
    expect(fs.readFileSync(path.join(dir, aside[0] as string))).toEqual(garbage);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.object).toMatchObject({
      file,
      movedTo: path.join(dir, aside[0] as string),
      problem: "SQLITE_NOTADB",
    });
    // The new file is a working L2.
    await cache.set("reports:x", 1);
    cache.clearL1();
    expect(await cache.get("reports:x")).toMatchObject({ value: 1, source: "HIT-L2" });
    expect(countRows(file)).toBe(1);
  });

  it("moves a file cut short aside (a full disk, a copy interrupted)", async () => {
    const file = path.join(dir, "cache.db");
    const first = await open(`sqlite://${file}`);
    for (let i = 0; i < 200; i++) await first.set(`reports:${i}`, "x".repeat(500));
    await first.close();
    const size = fs.statSync(file).size;
    expect(size).toBeGreaterThan(64 * 1024);
    fs.truncateSync(file, Math.floor(size / 2));

    const warnings: unknown[] = [];
    const second = await createCache({
      url: `sqlite://${file}`,
      logger: { warn: (object) => warnings.push(object) },
    });
    opened.push(second);
    expect(warnings).toHaveLength(1);
    expect(fs.readdirSync(dir).some((name) => name.startsWith("cache.db.corrupt-"))).toBe(true);
    expect(await second.get("reports:1")).toBeUndefined();
    await second.set("reports:1", "fresh");
    expect(countRows(file)).toBe(1);
  });

  it("keeps a healthy file, and says nothing", async () => {
    const file = path.join(dir, "cache.db");
    const first = await open(`sqlite://${file}`);
    await first.set("reports:kept", 1);
    await first.close();
    const warnings: unknown[] = [];
    const second = await createCache({
      url: `sqlite://${file}`,
      logger: { warn: (object) => warnings.push(object) },
    });
    opened.push(second);
    expect(await second.get("reports:kept")).toMatchObject({ value: 1, source: "HIT-L2" });
    expect(warnings).toEqual([]);
    expect(fs.readdirSync(dir).filter((name) => name.includes("corrupt"))).toEqual([]);
  });

  it("needs a path", async () => {
    await expect(createCache({ url: "sqlite://" })).rejects.toThrow(/needs a file path/);
  });

  it("does not leave the file open when a setting is refused", async () => {
    const file = path.join(dir, "cache.db");
    await expect(createCache({ url: `sqlite://${file}`, l1MaxEntries: 0 })).rejects.toThrow(
      RangeError,
    );
  });
});

describe("memory://", () => {
  it("is a private two-level cache whose L2 is a Map", async () => {
    const one = await open("memory://");
    const other = await open("memory://");
    await one.set("reports:a", 1);
    await one.set("reports:b", 2);
    await one.set("data-entry:c", 3);
    one.clearL1();

    expect(await one.get("reports:a")).toMatchObject({ value: 1, source: "HIT-L2" });
    expect(await other.get("reports:a")).toBeUndefined();
    expect(await one.invalidatePrefix("reports:")).toBe(2);
    expect(await one.stats()).toMatchObject({ l2: { store: "memory", size: 1 } });
  });

  it("sweeps expired entries", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const cache = await open("memory://");
    await cache.set("a", 1, { ttlMs: 1000 });
    await cache.set("b", 1, { ttlMs: 60_000 });
    vi.setSystemTime(Date.now() + 1001);
    expect(await cache.sweepExpired()).toBe(1);
    expect((await cache.stats()).l2.size).toBe(1);
  });
});

describe("other URLs", () => {
  it("names the accepted schemes, and never echoes the rest of the URL", async () => {
    const attempt = createCache({ url: "memcached://:hunter2@cache.local:11211" });
    await expect(attempt).rejects.toThrow(CacheConfigurationError);
    await expect(attempt).rejects.toThrow(
      /"memcached:\/\/".*sqlite:\/\/, memory:\/\/, redis:\/\/, rediss:\/\//,
    );
    await expect(attempt).rejects.not.toThrow(/hunter2/);
  });

  it("refuses a value with no scheme", async () => {
    await expect(createCache({ url: "/var/lib/cache.db" })).rejects.toThrow(/scheme:\/\/location/);
  });
});
