// A kernel on a real PostgreSQL that hangs: the server is frozen (SIGSTOP to the
// postmaster and every backend) while the kernel serves, so its connections stay open and
// nothing answers — what a stuck server, a full disk under the WAL or a network that drops
// packets look like from the kernel. Without time-outs a write waits for TCP (minutes or
// forever); with DATABASE_QUERY_TIMEOUT_MS it answers 503 DATABASE_UNAVAILABLE within
// about the time-out, saves none of its rows, the watch knows the database is lost, a
// cached report keeps answering, and once the server carries on writes are saved again
// (ADR 0039). The time-outs here are small so that the test is quick; the bounds below
// are many times larger and only stop a hanging request from hanging the test.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describeWithServers, type PostgresServer, startPostgres } from "@roa2web/test-servers";
import { afterAll, beforeAll, expect, it } from "vitest";
import { KERNEL_MIGRATIONS } from "../src/database/kernel-migrations.js";
import { openDataSource } from "../src/database/open-data-source.js";
import { startTestKernel, type TestKernel } from "../src/testing/index.js";

const LEDGER = fileURLToPath(new URL("./fixtures/database-plugins/ledger", import.meta.url));
const REPORTS = fileURLToPath(new URL("../../../plugins/reports", import.meta.url));
const today = new Date().toISOString().slice(0, 10);
const dashboard = `/api/reports/dashboard?company=1&period=${today.slice(0, 7)}`;

/** Far above the 1 s time-outs below: a request still waiting then is hanging. */
const BOUND_MS = 15_000;

async function within<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${what}: still waiting after ${BOUND_MS} ms`)),
          BOUND_MS,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`waited 20 s for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describeWithServers(["postgres"], "a kernel whose PostgreSQL hangs", () => {
  let server: PostgresServer;
  let url: string;
  let kit: TestKernel;
  let token: string;
  const logLines: Array<{ msg?: string; err?: { message?: string } }> = [];
  beforeAll(async () => {
    server = await startPostgres();
    url = await server.createDatabase();
    kit = await startTestKernel({
      plugins: [path.resolve(LEDGER), REPORTS],
      logLines,
      env: {
        DATABASE_URL: url,
        DATABASE_CONNECT_TIMEOUT_MS: "1000",
        DATABASE_QUERY_TIMEOUT_MS: "1000",
        // Nothing in the background probes the database: the write must find out itself.
        PEER_HEARTBEAT_MS: "0",
        PLUGIN_SYNC_INTERVAL_MS: "0",
        AUTH_SESSION_RECHECK_MS: "60000",
      },
    });
    token = await kit.login();
  }, 180_000);
  afterAll(async () => {
    await server?.thaw();
    await kit?.close();
    await server?.stop();
  }, 60_000);

  const transfer = (name: string) =>
    kit.inject({
      method: "POST",
      url: "/api/ledger/transfers",
      token,
      payload: { name, amount: 5 },
    });
  const lines = async () =>
    (
      (await kit.inject({ method: "GET", url: "/api/ledger/lines", token })).json() as {
        lines: Array<{ transfer: string }>;
      }
    ).lines.map((line) => line.transfer);
  const watch = () => kit.kernel.container.cradle.databaseWatch;

  it("answers a write 503 within about the query time-out, keeps cached reports, saves nothing half-way, and writes again after", {
    timeout: 120_000,
  }, async () => {
    expect((await transfer("before")).statusCode).toBe(201);
    expect((await kit.inject({ method: "GET", url: dashboard, token })).statusCode).toBe(200);
    await server.freeze();
    try {
      // The transfer's first INSERT is sent on a pooled connection and never answered.
      const frozen = await within(transfer("frozen"), "a write to a frozen server");
      expect(frozen.statusCode, frozen.body).toBe(503);
      expect(frozen.headers["retry-after"]).toBe("5");
      expect(frozen.json()).toMatchObject({
        error: { code: "DATABASE_UNAVAILABLE", details: { retry_after_seconds: 5 } },
      });
      // Its statement was inside a transaction that never reached COMMIT: nothing saved.
      expect(frozen.json().error.message).toContain("nothing was saved");
      expect(frozen.json().error.details.saved).toBeUndefined();
      expect(watch().lost).toBe(true);
      // Logged once, in words that say which pool, which wait and what to change.
      const lostLines = logLines.filter((line) => line.msg?.startsWith("Lost the database"));
      expect(lostLines).toHaveLength(1);
      expect(lostLines[0]?.err?.message).toMatch(
        /did not answer a statement on plugin_ledger within 2000 ms \(DATABASE_QUERY_TIMEOUT_MS 1000/,
      );
      // From now on writes are refused before their handler, at once.
      const refused = await within(transfer("refused"), "a write while lost");
      expect(refused.statusCode).toBe(503);
      // The cached report answers from memory, as if nothing happened.
      const report = await within(
        kit.inject({ method: "GET", url: dashboard, token }),
        "a cached report",
      );
      expect(report.statusCode).toBe(200);
      expect(report.headers["x-cache"]).toMatch(/^HIT/);
      // A read that needs the database fails the same way, within the bound too.
      const read = await within(
        kit.inject({ method: "GET", url: "/api/ledger/lines", token }),
        "a database read",
      );
      expect(read.statusCode, read.body).toBe(503);
    } finally {
      await server.thaw();
    }
    await until(async () => (await transfer("after")).statusCode === 201, "writes saved again");
    expect(watch().lost).toBe(false);
    // The frozen transfer's first row reached the server, which ran it once thawed, then
    // found its connection closed before any COMMIT: rolled back, neither row kept.
    expect(await lines()).toEqual(["before", "before", "after", "after"]);
  });

  it("says a change that commits by itself may or may not have been saved when its answer is lost, and it was", {
    timeout: 120_000,
  }, async () => {
    await until(async () => !watch().lost, "the database to be back");
    // The ledger's pool has a connection open (a new one would wait for the connect
    // time-out and send nothing: that answer is "nothing was saved").
    await lines();
    await server.freeze();
    let lost: Awaited<ReturnType<typeof transfer>>;
    try {
      lost = await within(
        kit.inject({
          method: "POST",
          url: "/api/ledger/marks",
          token,
          payload: { name: "unsure" },
        }),
        "a single-statement write to a frozen server",
      );
    } finally {
      await server.thaw();
    }
    expect(lost.statusCode, lost.body).toBe(503);
    expect(lost.headers["retry-after"]).toBe("5");
    expect(lost.json().error).toMatchObject({
      code: "DATABASE_UNAVAILABLE",
      details: { retry_after_seconds: 5, saved: "unknown" },
    });
    expect(lost.json().error.message).toContain("may or may not have been saved");
    // And it was: the server ran the INSERT, which committed, once it carried on.
    await until(
      async () => (await lines().catch((): string[] => [])).includes("unsure"),
      "the unsure line to be readable",
    );
  });

  it("gives up opening a database on a frozen server after the connect time-out, naming the setting", {
    timeout: 60_000,
  }, async () => {
    await server.freeze();
    try {
      const opening = openDataSource({
        location: {
          kind: "postgres",
          url,
          schema: "roa2web_kernel",
          poolMax: 1,
          connectTimeoutMs: 1000,
          queryTimeoutMs: 1000,
        },
        entities: [],
        migrations: KERNEL_MIGRATIONS,
      });
      const failure = await within(
        opening.then(
          () => new Error("opened"),
          (error: unknown) => error,
        ),
        "opening a database on a frozen server",
      );
      expect(failure).toMatchObject({ code: "DATABASE_UNAVAILABLE" });
      expect(String((failure as Error).message)).toContain("DATABASE_CONNECT_TIMEOUT_MS");
    } finally {
      await server.thaw();
    }
  });
});
