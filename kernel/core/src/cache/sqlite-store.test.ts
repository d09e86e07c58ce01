import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { useCacheFile } from "./cache-file.test-helper.js";
import type { SqliteStore } from "./sqlite-store.js";

const cacheFile = useCacheFile();
const open = (namespace?: string) => cacheFile.keyv(namespace);
const rowKeys = () => cacheFile.rowKeys();

describe("SqliteStore under keyv", () => {
  it("reads a cache.db that @keyv/sqlite wrote, in its table and format", async () => {
    // The exact statement and row format @keyv/sqlite 4 used: a server upgraded in
    // place keeps its L2 entries.
    const old = new Database(cacheFile.path);
    old.exec("CREATE TABLE IF NOT EXISTS keyv(key VARCHAR(255) PRIMARY KEY, value TEXT )");
    old
      .prepare("INSERT INTO keyv (key, value) VALUES (?, ?)")
      .run(
        "reports:dashboard",
        JSON.stringify({ value: { total: 7 }, expires: Date.now() + 60_000 }),
      );
    old
      .prepare("INSERT INTO keyv (key, value) VALUES (?, ?)")
      .run("reports:gone", JSON.stringify({ value: 1, expires: Date.now() - 1 }));
    old.close();

    const keyv = open();
    expect(await keyv.get("reports:dashboard")).toEqual({ total: 7 });
    expect(await keyv.get("reports:gone")).toBeUndefined(); // expired: keyv drops it
    expect(rowKeys()).toEqual(["reports:dashboard"]);
  });

  it("sets, gets, overwrites, deletes and counts what it deleted", async () => {
    const keyv = open();
    await keyv.set("a", { n: 1 });
    await keyv.set("a", { n: 2 });
    await keyv.set("b", "text", 60_000);
    expect(await keyv.get("a")).toEqual({ n: 2 });
    expect(await keyv.getMany(["a", "missing", "b"])).toEqual([{ n: 2 }, undefined, "text"]);
    expect(await keyv.has("b")).toBe(true);
    expect(await keyv.delete("a")).toBe(true);
    expect(await keyv.delete("a")).toBe(false);
    expect(await keyv.deleteMany(["missing", "b"])).toBe(true);
    expect(rowKeys()).toEqual([]);
  });

  it("clears exactly its namespace: `_` is no wildcard and case counts", async () => {
    const other = open();
    for (const key of ["a_b:1", "axb:1", "A_B:1", "a_b-more:1"]) await other.set(key, 1);
    const scoped = open("a_b");
    await scoped.set("2", 2); // stored as a_b:2
    await scoped.clear();
    expect(rowKeys()).toEqual(["A_B:1", "a_b-more:1", "axb:1"]);
  });

  it("iterates every row even when the caller deletes rows as it goes", async () => {
    const keyv = open();
    const keys = Array.from({ length: 230 }, (_, i) => `k${String(i).padStart(3, "0")}`);
    for (const key of keys) await keyv.set(key, key);
    await keyv.set("", "empty key");
    const store = keyv.store as SqliteStore;
    const seen: string[] = [];
    for await (const [key] of store.iterator()) {
      seen.push(key);
      await store.delete(key); // a sweep deleting what it reads
    }
    expect(seen.sort()).toEqual(["", ...keys]);
    expect(rowKeys()).toEqual([]);
  });

  it("iterates only the namespace asked for, matching its prefix exactly", async () => {
    const keyv = open();
    for (const key of ["n%:1", "n%:2", "nx:1", "N%:1"]) await keyv.set(key, key);
    const seen: string[] = [];
    for await (const [key] of (keyv.store as SqliteStore).iterator("n%")) seen.push(key);
    expect(seen).toEqual(["n%:1", "n%:2"]);
  });

  it("turns driver errors into rejections and closes once", async () => {
    const keyv = open();
    await keyv.disconnect();
    await expect(keyv.store.get("a")).rejects.toThrow(/not open/);
    await expect(keyv.disconnect()).resolves.toBeUndefined();
  });
});
