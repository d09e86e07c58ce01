// The cache's L2 on its own: keyv get and set of a small entry (a dashboard, ~0.3 KB)
// and a report-sized one (~120 KB of JSON), on the kernel's SqliteStore (better-sqlite3)
// and, where it is installed, on @keyv/sqlite (the sqlite3 driver) it replaced. Both
// files in WAL with synchronous=NORMAL, as createCache opens them. Where redis-server is
// installed, also the kernel's RedisStore (ioredis) on a throw-away Redis on loopback
// (ADR 0029). Run on demand:
//   npx -y pnpm@10.34.9 exec vitest bench --run bench/cache-l2.bench.ts
// @keyv/sqlite left the tree with this change: to measure it again, run this file in a
// checkout of the commit before (figures in docs/performance.md).
import { mkdtempSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import type KeyvClass from "keyv";
import type { KeyvStoreAdapter } from "keyv";
import { afterAll, bench, describe } from "vitest";
import { RedisStore } from "../kernel/core/src/cache/redis-store.js";
import { SqliteStore } from "../kernel/core/src/cache/sqlite-store.js";
import { type RedisServer, serverAvailable, startRedis } from "../kernel/test-servers/src/index.js";

// The packages are the kernel's dependencies, not the workspace root's.
const fromKernel = createRequire(new URL("../kernel/core/package.json", import.meta.url));
const Database = fromKernel("better-sqlite3") as typeof BetterSqlite3;
const Keyv = (fromKernel("keyv") as { Keyv: typeof KeyvClass }).Keyv;
type Keyv = KeyvClass;
const { Redis } = fromKernel("ioredis") as typeof import("ioredis");
let redisServer: RedisServer | undefined;
afterAll(async () => {
  await redisServer?.stop();
});

const dir = mkdtempSync(path.join(os.tmpdir(), "roa2web-bench-l2-"));
const small = { storedAt: 1, expiresAt: 2, value: { company: 1, totals: [1, 2, 3], name: "Nord" } };
const large = {
  storedAt: 1,
  expiresAt: 2,
  value: Array.from({ length: 1000 }, (_, i) => ({
    account: `${4000 + i}`,
    name: `Cont analitic ${i}`,
    debit: i * 13.5,
    credit: i * 7.25,
    balance: i * 6.25,
  })),
};
const KEYS = 1000;

async function stores(): Promise<Array<[string, Keyv]>> {
  const database = new Database(path.join(dir, "new.db"));
  database.pragma("journal_mode = WAL");
  database.pragma("synchronous = NORMAL");
  const found: Array<[string, Keyv]> = [
    ["SqliteStore (better-sqlite3)", new Keyv(new SqliteStore(database))],
  ];
  try {
    const KeyvSqlite = (fromKernel("@keyv/sqlite") as { default: unknown })
      .default as new (options: {
      uri: string;
    }) => KeyvStoreAdapter & { query(sql: string): Promise<unknown> };
    const old = new KeyvSqlite({ uri: `sqlite://${path.join(dir, "old.db")}` });
    await old.query("PRAGMA journal_mode = WAL");
    await old.query("PRAGMA synchronous = NORMAL");
    found.push(["@keyv/sqlite (sqlite3)", new Keyv(old)]);
  } catch {
    // Not installed any more: only the current store is measured.
  }
  if (serverAvailable("redis")) {
    redisServer = await startRedis();
    const client = new Redis(redisServer.url, { enableOfflineQueue: true });
    found.push([
      "RedisStore (ioredis, loopback)",
      new Keyv(new RedisStore(client, "bench:", async () => void client.disconnect()), {
        namespace: undefined,
      }),
    ]);
  }
  for (const [, keyv] of found) {
    for (let i = 0; i < KEYS; i++) await keyv.set(`small:${i}`, small, 600_000);
    for (let i = 0; i < 50; i++) await keyv.set(`large:${i}`, large, 600_000);
  }
  return found;
}

const opened = await stores();
let n = 0;

for (const [label, keyv] of opened) {
  describe(label, () => {
    bench("get small (hit)", async () => {
      await keyv.get(`small:${n++ % KEYS}`);
    });
    bench("get missing key", async () => {
      await keyv.get(`absent:${n++}`);
    });
    bench("set small", async () => {
      await keyv.set(`small:${n++ % KEYS}`, small, 600_000);
    });
    bench("get large (120 KB)", async () => {
      await keyv.get(`large:${n++ % 50}`);
    });
    bench("set large (120 KB)", async () => {
      await keyv.set(`large:${n++ % 50}`, large, 600_000);
    });
  });
}
