// The database watch on a real PostgreSQL (a throw-away server on loopback, killed and
// restarted here): which failures mean "the server is lost", that it is lost and back
// once each way in the log, and the peers' heartbeat it probes with.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { runSql } from "@roa2web/plugin-sdk";
import { describeWithServers, type PostgresServer, startPostgres } from "@roa2web/test-servers";
import pg from "pg";
import type { DataSource } from "typeorm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KERNEL_MIGRATIONS } from "../database/kernel-migrations.js";
import { openDataSource } from "../database/open-data-source.js";
import { isConnectionLost } from "./connection-errors.js";
import { DatabaseWatch } from "./database-watch.js";
import { PeerHeartbeat } from "./peer-heartbeat.js";

function recordingLogger() {
  const lines: Array<{ level: string; message: string }> = [];
  return {
    lines,
    info: (_object: object, message: string) => lines.push({ level: "info", message }),
    warn: (_object: object, message: string) => lines.push({ level: "warn", message }),
  };
}

async function failure(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
}

async function until(condition: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`waited 20 s for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const identity = (id: string) => ({
  id,
  host: "host-a",
  pid: 4242,
  version: "9.9.9",
  startedAt: new Date("2026-12-07T05:00:00.000Z"),
});

describe("isConnectionLost without a server", () => {
  it("does not take a SQLite error for a lost connection", async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), "roa2web-watch-"));
    const { dataSource } = await openDataSource({
      location: { kind: "sqlite", file: path.join(folder, "kernel.db") },
      entities: [],
      migrations: KERNEL_MIGRATIONS,
    });
    try {
      await runSql(dataSource, "INSERT INTO kernel_leases VALUES ('a', 'h', 1, 2)");
      const duplicate = await failure(() =>
        runSql(dataSource, "INSERT INTO kernel_leases VALUES ('a', 'h', 1, 2)"),
      );
      expect(String((duplicate as Error).message)).toContain("UNIQUE");
      expect(isConnectionLost(duplicate)).toBe(false);
      const watch = new DatabaseWatch({
        engine: "sqlite",
        probe: async () => undefined,
        logger: recordingLogger(),
      });
      // Even an error that would mean a lost connection on PostgreSQL changes nothing.
      expect(watch.failed(Object.assign(new Error("x"), { code: "ECONNRESET" }))).toBe(false);
      expect(watch.lost).toBe(false);
    } finally {
      await dataSource.destroy();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describeWithServers(["postgres"], "the database watch on PostgreSQL", () => {
  let server: PostgresServer;
  let url: string;
  let dataSource: DataSource;
  const open = async () =>
    (
      await openDataSource({
        location: { kind: "postgres", url, schema: "roa2web_kernel", poolMax: 3 },
        entities: [],
        migrations: KERNEL_MIGRATIONS,
      })
    ).dataSource;

  beforeAll(async () => {
    server = await startPostgres();
    url = await server.createDatabase();
    dataSource = await open();
  }, 120_000);
  afterAll(async () => {
    await dataSource?.destroy().catch(() => undefined);
    await server?.stop();
  }, 60_000);

  it("tells a lost connection from the request's own errors", async () => {
    // The server ends the session in the middle of a transaction (as a restart or an
    // administrator would): TypeORM wraps pg's FATAL 57P01.
    const terminated = await failure(() =>
      dataSource.transaction(async (manager) => {
        await manager.query("SELECT 1");
        await manager.query("SELECT pg_terminate_backend(pg_backend_pid())");
      }),
    );
    expect(isConnectionLost(terminated)).toBe(true);
    // Nobody listens on the port: the connect is refused.
    const closed = new pg.Client({ connectionString: url.replace(/:\d+\//, ":9/") });
    const refused = await failure(() => closed.connect());
    expect(isConnectionLost(refused)).toBe(true);
    // The request's own faults are not.
    await runSql(dataSource, "DELETE FROM kernel_leases");
    await runSql(dataSource, "INSERT INTO kernel_leases VALUES ('b', 'h', 1, 2)");
    const duplicate = await failure(() =>
      runSql(dataSource, "INSERT INTO kernel_leases VALUES ('b', 'h', 1, 2)"),
    );
    expect((duplicate as { driverError?: { code?: string } }).driverError?.code).toBe("23505");
    expect(isConnectionLost(duplicate)).toBe(false);
    const syntax = await failure(() => dataSource.query("SELEC 1"));
    expect(isConnectionLost(syntax)).toBe(false);
    const pool = new pg.Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 100 });
    const held = await pool.connect();
    try {
      const busy = await failure(() => pool.connect());
      expect(String((busy as Error).message)).toContain("timeout exceeded");
      // A request that gets no connection within the connect time-out is refused like one
      // whose server is gone (ADR 0039; before, ADR 0034 let it fail as a 500).
      expect(isConnectionLost(busy)).toBe(true);
    } finally {
      held.release();
      await pool.end();
    }
  });

  it("names the kernels that beat, this one first, and forgets one gone quiet or stopped", async () => {
    await runSql(dataSource, "DELETE FROM kernel_peers");
    const forgetMs = 30_000;
    const a = new PeerHeartbeat(dataSource, identity("host-a:1:aaaa"), {
      forgetMs,
      redis: () => "up",
    });
    const b = new PeerHeartbeat(
      dataSource,
      { ...identity("host-b:2:bbbb"), host: "host-b" },
      {
        forgetMs,
      },
    );
    const c = new PeerHeartbeat(
      dataSource,
      { ...identity("host-c:3:cccc"), host: "host-c" },
      {
        forgetMs,
      },
    );
    await Promise.all([a.beat(), b.beat(), c.beat()]);
    const seenByB = await b.peers();
    expect(seenByB.map((peer) => [peer.id, peer.this_kernel])).toEqual([
      ["host-b:2:bbbb", true],
      ["host-a:1:aaaa", false],
      ["host-c:3:cccc", false],
    ]);
    expect(seenByB[1]).toMatchObject({
      host: "host-a",
      pid: 4242,
      version: "9.9.9",
      started_at: "2026-12-07T05:00:00.000Z",
      redis: "up",
    });
    expect(seenByB[0]?.redis).toBeNull();
    expect(seenByB[1]?.seen_ms_ago).toBeLessThan(forgetMs);
    // c was last seen longer ago than forgetMs (by the database's clock): not a peer, and
    // the next beat of anyone deletes its row.
    await runSql(
      dataSource,
      "UPDATE kernel_peers SET seen_at_ms = seen_at_ms - ? WHERE kernel_id = ?",
      [forgetMs + 1000, "host-c:3:cccc"],
    );
    expect((await a.peers()).map((peer) => peer.id)).toEqual(["host-a:1:aaaa", "host-b:2:bbbb"]);
    await a.beat();
    expect(await runSql(dataSource, "SELECT kernel_id FROM kernel_peers ORDER BY 1")).toEqual([
      { kernel_id: "host-a:1:aaaa" },
      { kernel_id: "host-b:2:bbbb" },
    ]);
    // b stops gracefully: its row goes at once.
    await b.stop();
    expect((await a.peers()).map((peer) => peer.id)).toEqual(["host-a:1:aaaa"]);
  });

  it("is lost when the server dies, says so once, and is back by itself once it answers", {
    timeout: 120_000,
  }, async () => {
    const logger = recordingLogger();
    const peers = new PeerHeartbeat(dataSource, identity("host-a:1:watch"), {
      forgetMs: 30_000,
    });
    const watch = new DatabaseWatch({
      engine: "postgres",
      probe: () => peers.beat(),
      logger,
      retryMs: 200,
    });
    try {
      expect(await watch.check()).toBe(true);
      expect(watch.lost).toBe(false);
      expect((await watch.health()).data).toMatchObject({
        engine: "postgres",
        reachable: true,
        writes: "accepted",
        lost_since: null,
      });
      // A request's own error does not make it lost.
      expect(watch.failed(await failure(() => dataSource.query("SELEC 1")))).toBe(false);
      expect(watch.lost).toBe(false);

      await server.kill();
      expect(await watch.check()).toBe(false);
      expect(watch.lost).toBe(true);
      // A write that failed meanwhile is recognised; still one line in the log.
      const write = await failure(() =>
        runSql(dataSource, "INSERT INTO kernel_leases VALUES ('c', 'h', 1, 2)"),
      );
      expect(watch.failed(write)).toBe(true);
      await watch.check();
      const health = await watch.health();
      expect(health.status).toBe("down");
      expect(health.data).toMatchObject({
        reachable: false,
        latency_ms: null,
        writes: "refused",
      });
      expect(typeof (health.data as { lost_since: unknown }).lost_since).toBe("string");
      expect(logger.lines).toEqual([
        {
          level: "warn",
          message: "Lost the database: writes answer 503 until it is back; cached reads carry on",
        },
      ]);

      await server.restart();
      // Nobody asks: the watch's own retries find it.
      await until(() => !watch.lost, "the watch to see the database back");
      expect(logger.lines.map((line) => line.level)).toEqual(["warn", "info"]);
      expect(logger.lines[1]?.message).toBe("The database is back: writes are accepted again");
      expect((await watch.health()).status).toBe("up");
    } finally {
      watch.stop();
    }
  });
});
