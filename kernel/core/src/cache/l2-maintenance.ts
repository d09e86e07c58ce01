/**
 * Operations keyv has no API for — delete by key prefix, delete expired rows, count
 * live rows — done the best way the L2 store allows. The kernel's own SQLite store
 * gets single prepared statements, Redis its prefix index; a Map or any other adapter
 * with an iterator (Postgres…) gets a scan, so another keyv store needs no change here.
 */
import type Database from "better-sqlite3";
import type Keyv from "keyv";
import { isCacheEntry } from "./cache-entry.js";
import { RedisStore } from "./redis-store.js";
import { SqliteStore } from "./sqlite-store.js";

/** Two clocks: the cache's (its own expiry) and the wall clock keyv uses for `expires`. */
export interface Clocks {
  now: number;
  wallNow: number;
}

export interface L2Maintenance {
  /** Deletes every row whose raw key starts with the prefix; returns the raw keys of the live rows removed. */
  deletePrefix(rawPrefix: string, clocks: Clocks): Promise<string[]>;
  /** Deletes expired rows; returns how many. */
  deleteExpired(clocks: Clocks): Promise<number>;
  /** Live rows whose raw key starts with the prefix. */
  count(rawPrefix: string, clocks: Clocks): Promise<number>;
}

export function maintenanceFor(l2: Keyv): L2Maintenance {
  const store: unknown = l2.store;
  if (store instanceof SqliteStore) return new SqliteMaintenance(store);
  if (store instanceof RedisStore) return new RedisMaintenance(store);
  if (store instanceof Map) {
    return new ScanMaintenance(
      l2,
      () => store.entries(),
      (key) => store.delete(key),
    );
  }
  const scannable = store as {
    iterator?: unknown;
    delete(key: string): Promise<boolean> | boolean;
  };
  if (typeof scannable.iterator === "function") {
    const iterate = scannable.iterator.bind(store) as (
      namespace?: string,
    ) => AsyncIterable<[string, unknown]>;
    return new ScanMaintenance(
      l2,
      () => iterate(l2.namespace),
      (key) => scannable.delete(key),
    );
  }
  return new UnsupportedMaintenance();
}

/**
 * A row is live unless our entry's `expiresAt` or keyv's `expires` has passed. Rows
 * that are not JSON (a custom serializer) are left alone and counted as live.
 */
const LIVE = `CASE WHEN json_valid(value) THEN
  coalesce(json_extract(value, '$.value.expiresAt') >= $now, 1) AND coalesce(json_extract(value, '$.expires') >= $wall, 1)
  ELSE 1 END`;

/**
 * Keys are matched with `substr(...) = prefix`, not LIKE: SQLite's LIKE ignores ASCII
 * case ("Reports:" would match "reports:") and treats `_` and `%` in the prefix as
 * wildcards. `substr`/`length` both count characters, so the comparison is exact. It
 * scans the table; invalidation is rare and the table is a cache, so that is fine.
 */
class SqliteMaintenance implements L2Maintenance {
  private readonly deletePrefixStatement: Database.Statement;
  private readonly deleteExpiredStatement: Database.Statement;
  private readonly countStatement: Database.Statement;

  constructor(store: SqliteStore) {
    const { database, opts } = store;
    const table = opts.table; // checked to be a plain identifier by the store
    // RETURNING tells which removed rows were still live, in the same statement.
    this.deletePrefixStatement = database.prepare(
      `DELETE FROM ${table} WHERE substr(key, 1, length($prefix)) = $prefix RETURNING key, ${LIVE} AS live`,
    );
    this.deleteExpiredStatement = database.prepare(
      `DELETE FROM ${table} WHERE json_valid(value)
         AND (json_extract(value, '$.value.expiresAt') < $now OR json_extract(value, '$.expires') < $wall)`,
    );
    this.countStatement = database.prepare(
      `SELECT count(*) AS n FROM ${table} WHERE substr(key, 1, length($prefix)) = $prefix AND ${LIVE}`,
    );
  }

  async deletePrefix(rawPrefix: string, clocks: Clocks): Promise<string[]> {
    const rows = this.deletePrefixStatement.all({
      prefix: rawPrefix,
      now: clocks.now,
      wall: clocks.wallNow,
    }) as Array<{ key: string; live: number }>;
    return rows.filter((row) => row.live === 1).map((row) => String(row.key));
  }

  async deleteExpired(clocks: Clocks): Promise<number> {
    return this.deleteExpiredStatement.run({ now: clocks.now, wall: clocks.wallNow }).changes;
  }

  async count(rawPrefix: string, clocks: Clocks): Promise<number> {
    const row = this.countStatement.get({
      prefix: rawPrefix,
      now: clocks.now,
      wall: clocks.wallNow,
    }) as { n: number } | undefined;
    return Number(row?.n ?? 0);
  }
}

/**
 * Reads every row through the store's own iteration. Keys are collected before any
 * delete: paged iterators (LIMIT/OFFSET, as in @keyv/sqlite) skip rows when rows are
 * deleted under them.
 */
class ScanMaintenance implements L2Maintenance {
  constructor(
    private readonly l2: Keyv,
    private readonly rows: () => Iterable<[string, unknown]> | AsyncIterable<[string, unknown]>,
    private readonly remove: (rawKey: string) => Promise<boolean> | boolean,
  ) {}

  async deletePrefix(rawPrefix: string, clocks: Clocks): Promise<string[]> {
    const matching: Array<{ key: string; live: boolean }> = [];
    for await (const [key, raw] of this.rows()) {
      if (key.startsWith(rawPrefix)) matching.push({ key, live: await this.isLive(raw, clocks) });
    }
    for (const { key } of matching) await this.remove(key);
    return matching.filter((row) => row.live).map((row) => row.key);
  }

  async deleteExpired(clocks: Clocks): Promise<number> {
    const expired: string[] = [];
    for await (const [key, raw] of this.rows()) {
      if (!(await this.isLive(raw, clocks))) expired.push(key);
    }
    for (const key of expired) await this.remove(key);
    return expired.length;
  }

  async count(rawPrefix: string, clocks: Clocks): Promise<number> {
    let live = 0;
    for await (const [key, raw] of this.rows()) {
      if (key.startsWith(rawPrefix) && (await this.isLive(raw, clocks))) live += 1;
    }
    return live;
  }

  private async isLive(raw: unknown, clocks: Clocks): Promise<boolean> {
    const deserialize = this.l2.deserialize;
    let data: unknown = raw;
    if (typeof raw === "string" && deserialize) {
      try {
        data = await deserialize(raw);
      } catch {
        return true; // not ours to judge
      }
    }
    const { value, expires } = (data ?? {}) as { value?: unknown; expires?: unknown };
    if (typeof expires === "number" && expires < clocks.wallNow) return false;
    return !(isCacheEntry(value) && value.expiresAt < clocks.now);
  }
}

/** Redis expires values itself; its store keeps a prefix index (redis-store.ts). */
class RedisMaintenance implements L2Maintenance {
  constructor(private readonly store: RedisStore) {}

  deletePrefix(rawPrefix: string): Promise<string[]> {
    return this.store.deletePrefix(rawPrefix);
  }

  deleteExpired(clocks: Clocks): Promise<number> {
    return this.store.sweepIndex(clocks.wallNow);
  }

  count(rawPrefix: string): Promise<number> {
    return this.store.countPrefix(rawPrefix);
  }
}

class UnsupportedMaintenance implements L2Maintenance {
  async deletePrefix(): Promise<string[]> {
    throw unsupported();
  }
  async deleteExpired(): Promise<number> {
    throw unsupported();
  }
  async count(): Promise<number> {
    throw unsupported();
  }
}

function unsupported(): Error {
  return new Error(
    "This L2 store can neither be queried nor iterated: prefix deletes, sweeps and counts are unavailable",
  );
}
