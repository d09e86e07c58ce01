// The bounded PostgreSQL pool on a real server that is frozen (SIGSTOP) mid-work: a
// statement that gets no answer fails after the query time-out with a time-out that
// counts as a lost connection, its connection is closed (never handed to the next
// request), and what the server does with it once it carries on is what the error said:
// a statement inside a transaction is rolled back, a lost COMMIT or a change outside a
// transaction may have committed — and did. Migrations wait for another kernel's lock
// longer than the query time-out (ADR 0039).
import { runSql } from "@roa2web/plugin-sdk";
import { describeWithServers, type PostgresServer, startPostgres } from "@roa2web/test-servers";
import pg from "pg";
import type { DataSource } from "typeorm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isConnectionLost } from "../health/connection-errors.js";
import { LOCK_CLASS, openDataSource } from "./open-data-source.js";
import { mayHaveCommitted } from "./postgres-pool.js";

async function failure(work: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await work;
  } catch (error) {
    return error as Record<string, unknown>;
  }
  throw new Error("expected a failure");
}

/** The mark the pool puts on a lost statement that may have committed (TypeORM wraps it). */
const unsure = (error: Record<string, unknown>) =>
  (error.driverError as { outcomeUnknown?: boolean } | undefined)?.outcomeUnknown ??
  error.outcomeUnknown ??
  false;

describe("which lost statements may have committed", () => {
  it("counts a COMMIT and a change outside a transaction, not a change inside one", () => {
    expect(mayHaveCommitted("COMMIT", true)).toBe(true);
    expect(mayHaveCommitted("  end", true)).toBe(true);
    expect(mayHaveCommitted("INSERT INTO t VALUES (1)", false)).toBe(true);
    expect(mayHaveCommitted("WITH x AS (DELETE FROM t RETURNING *) SELECT 1", false)).toBe(true);
    expect(mayHaveCommitted("INSERT INTO t VALUES (1)", true)).toBe(false);
    expect(mayHaveCommitted("START TRANSACTION", false)).toBe(false);
    expect(mayHaveCommitted("SELECT * FROM t", false)).toBe(false);
    expect(mayHaveCommitted("ROLLBACK", true)).toBe(false);
  });
});

describeWithServers(["postgres"], "the bounded pool on a PostgreSQL that hangs", () => {
  let server: PostgresServer;
  let url: string;
  let dataSource: DataSource;
  const rows = async () =>
    (await runSql<{ n: number }>(dataSource, "SELECT n FROM t ORDER BY n")).map((row) => row.n);

  beforeAll(async () => {
    server = await startPostgres();
    url = await server.createDatabase();
    ({ dataSource } = await openDataSource({
      location: {
        kind: "postgres",
        url,
        schema: "pool_test",
        poolMax: 2,
        connectTimeoutMs: 1000,
        queryTimeoutMs: 1000,
      },
      entities: [],
      migrations: [],
    }));
    await runSql(dataSource, "CREATE TABLE t (n integer)");
  }, 120_000);
  afterAll(async () => {
    await server?.thaw();
    await dataSource?.destroy().catch(() => undefined);
    await server?.stop();
  }, 60_000);

  it("fails an unanswered statement after the time-out, closes its connection, and says truly whether it may have committed", {
    timeout: 60_000,
  }, async () => {
    // Inside a transaction: lost, and rolled back by the server once it carries on.
    const inside = dataSource.createQueryRunner();
    await inside.startTransaction();
    await inside.query("INSERT INTO t VALUES (1)");
    await server.freeze();
    const insert = await failure(inside.query("INSERT INTO t VALUES (2)"));
    await inside.rollbackTransaction().catch(() => undefined);
    await inside.release();
    await server.thaw();
    expect(isConnectionLost(insert)).toBe(true);
    expect(String(insert.message)).toContain("DATABASE_QUERY_TIMEOUT_MS");
    expect(String(insert.message)).toContain("pool_test");
    expect(unsure(insert)).toBe(false);
    expect(await rows()).toEqual([]);

    // The COMMIT itself: the answer is lost, the server commits once it carries on.
    const committing = dataSource.createQueryRunner();
    await committing.startTransaction();
    await committing.query("INSERT INTO t VALUES (3)");
    await server.freeze();
    const commit = await failure(committing.commitTransaction());
    await committing.release();
    await server.thaw();
    expect(isConnectionLost(commit)).toBe(true);
    expect(unsure(commit)).toBe(true);

    // A change outside a transaction commits by itself: the same. (On a pooled
    // connection: a new one would wait for the connect time-out, the INSERT never sent.)
    await dataSource.query("SELECT 1");
    await server.freeze();
    const alone = await failure(dataSource.query("INSERT INTO t VALUES (4)"));
    await server.thaw();
    expect(isConnectionLost(alone)).toBe(true);
    expect(unsure(alone)).toBe(true);

    // What the errors said: 1 and 2 rolled back, 3 and 4 committed. The pool carries on
    // with new connections (the lost ones were closed; a reused one would still wait).
    await expect
      .poll(async () => rows().catch(() => undefined), { timeout: 20_000 })
      .toEqual([3, 4]);
    const sessions = await runSql<{ count: number }>(
      dataSource,
      "SELECT count(*) AS count FROM pg_stat_activity WHERE application_name = 'roa2web'",
    );
    expect(sessions[0]?.count).toBeLessThanOrEqual(2);
  });

  it("lets migrations wait for another kernel's lock longer than the query time-out", {
    timeout: 60_000,
  }, async () => {
    // Another kernel migrating the schema holds the lock three query time-outs long.
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    await other.query("BEGIN");
    await other.query("SELECT pg_advisory_xact_lock($1, hashtext($2))", [LOCK_CLASS, "waiting"]);
    const opening = openDataSource({
      location: {
        kind: "postgres",
        url,
        schema: "waiting",
        poolMax: 1,
        connectTimeoutMs: 1000,
        queryTimeoutMs: 1000,
      },
      entities: [],
      migrations: [],
    });
    const release = setTimeout(() => void other.query("COMMIT"), 6000);
    try {
      const { dataSource: opened } = await opening;
      // Its pool is bounded again after the migrations.
      await server.freeze();
      const after = await failure(opened.query("SELECT 1"));
      await server.thaw();
      expect(isConnectionLost(after)).toBe(true);
      await opened.destroy();
    } finally {
      clearTimeout(release);
      await other.end();
    }
  });
});
