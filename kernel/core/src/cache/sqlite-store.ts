/**
 * keyv's store interface on better-sqlite3, the SQLite driver TypeORM already uses,
 * so the server loads one native SQLite module instead of two (@keyv/sqlite needs
 * `sqlite3`). The table is the one @keyv/sqlite made (`keyv(key VARCHAR(255) PRIMARY
 * KEY, value TEXT)`), so an existing cache.db is read as it is.
 *
 * better-sqlite3 is synchronous: each call runs on the event loop, a prepared statement
 * on an indexed key (microseconds; see docs/performance.md), where sqlite3 queued it to
 * the thread pool and back. The methods are async only because keyv awaits them; a
 * driver error becomes a rejection, never a synchronous throw.
 */
import { EventEmitter } from "node:events";
import type Database from "better-sqlite3";
import type { KeyvStoreAdapter } from "keyv";

/** Rows read per page by `iterator`: a page is read whole, so writes between pages are allowed. */
const ITERATOR_PAGE = 100;

type Statement = Database.Statement<unknown[], unknown>;

export class SqliteStore extends EventEmitter implements KeyvStoreAdapter {
  /** keyv reads `opts`; `dialect` and `table` name what this store holds. */
  readonly opts: { dialect: "sqlite"; table: string };
  namespace?: string | undefined;
  private readonly statements: {
    get: Statement;
    set: Statement;
    delete: Statement;
    has: Statement;
    deleteAll: Statement;
    deletePrefix: Statement;
    page: Statement;
  };

  constructor(
    /** An open connection; the store owns it from now on and closes it on `disconnect`. */
    readonly database: Database.Database,
    table = "keyv",
  ) {
    super();
    // The name is interpolated into SQL: a plain identifier only.
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(table)) throw new Error(`Invalid table name "${table}"`);
    this.opts = { dialect: "sqlite", table };
    database.exec(`CREATE TABLE IF NOT EXISTS ${table}(key VARCHAR(255) PRIMARY KEY, value TEXT)`);
    // Prefix matches use substr(), not LIKE: LIKE ignores ASCII case and reads `_`
    // and `%` in a key as wildcards.
    this.statements = {
      get: database.prepare(`SELECT value FROM ${table} WHERE key = ?`),
      set: database.prepare(
        `INSERT INTO ${table} (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
      ),
      delete: database.prepare(`DELETE FROM ${table} WHERE key = ?`),
      has: database.prepare(`SELECT 1 FROM ${table} WHERE key = ?`),
      deleteAll: database.prepare(`DELETE FROM ${table}`),
      deletePrefix: database.prepare(
        `DELETE FROM ${table} WHERE substr(key, 1, length($prefix)) = $prefix`,
      ),
      // Keyset paging: rows deleted between pages neither shift nor hide the others
      // (OFFSET paging, as in @keyv/sqlite, skips rows when rows are deleted under it).
      page: database.prepare(
        `SELECT key, value FROM ${table}
          WHERE ($after IS NULL OR key > $after) AND substr(key, 1, length($prefix)) = $prefix
          ORDER BY key LIMIT $limit`,
      ),
    };
  }

  // biome-ignore lint/suspicious/noExplicitAny: keyv's own signature (StoredData<Value>)
  async get<Value>(key: string): Promise<any> {
    const row = this.statements.get.get(key) as { value: string } | undefined;
    return row?.value as Value | undefined;
  }

  // biome-ignore lint/suspicious/noExplicitAny: keyv's own signature (StoredData<Value>[])
  async getMany<Value>(keys: string[]): Promise<any[]> {
    return keys.map(
      (key) =>
        (this.statements.get.get(key) as { value: string } | undefined)?.value as Value | undefined,
    );
  }

  /** keyv hands over the serialised entry, its expiry inside; the TTL argument is not needed. */
  async set(key: string, value: unknown): Promise<void> {
    this.statements.set.run(key, value);
  }

  async delete(key: string): Promise<boolean> {
    return this.statements.delete.run(key).changes > 0;
  }

  /** True when any of the keys was there; one transaction. */
  async deleteMany(keys: string[]): Promise<boolean> {
    return this.database.transaction(() =>
      keys.reduce((any, key) => this.statements.delete.run(key).changes > 0 || any, false),
    )();
  }

  async has(key: string): Promise<boolean> {
    return this.statements.has.get(key) !== undefined;
  }

  /** Deletes the namespace's rows, or every row when keyv has no namespace. */
  async clear(): Promise<void> {
    if (this.namespace) this.statements.deletePrefix.run({ prefix: `${this.namespace}:` });
    else this.statements.deleteAll.run();
  }

  async *iterator(namespace?: string): AsyncGenerator<[string, string], void> {
    const prefix = namespace ? `${namespace}:` : "";
    let after: string | null = null;
    for (;;) {
      // Read whole before yielding: the connection is free again while the caller
      // works (better-sqlite3 refuses a write while a statement is being iterated).
      const rows = this.statements.page.all({ after, prefix, limit: ITERATOR_PAGE }) as Array<{
        key: string;
        value: string;
      }>;
      for (const row of rows) yield [row.key, row.value];
      const last = rows.at(-1);
      if (last === undefined || rows.length < ITERATOR_PAGE) return;
      after = last.key;
    }
  }

  /** Closes the connection; a second call does nothing. */
  async disconnect(): Promise<void> {
    if (this.database.open) this.database.close();
  }
}
