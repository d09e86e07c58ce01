// A kernel on a real PostgreSQL (a throw-away server on loopback) whose connection is
// lost: a write whose session the server ends mid-transaction answers 503
// DATABASE_UNAVAILABLE, not 500, and saves none of its rows; with the server down,
// writes are refused before their handler runs while the kernel keeps answering; once
// the server is back, writes are saved again without anyone restarting anything
// (ADR 0034). The fixture plugin writes a transfer as two rows in one transaction.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describeWithServers, type PostgresServer, startPostgres } from "@roa2web/test-servers";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestKernel, type TestKernel } from "../src/testing/index.js";

const LEDGER = fileURLToPath(new URL("./fixtures/database-plugins/ledger", import.meta.url));

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`waited 20 s for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describeWithServers(["postgres"], "writes while the kernel's PostgreSQL is lost", () => {
  let server: PostgresServer;
  let kit: TestKernel;
  let token: string;
  beforeAll(async () => {
    server = await startPostgres();
    const url = await server.createDatabase();
    kit = await startTestKernel({ plugins: [path.resolve(LEDGER)], env: { DATABASE_URL: url } });
    token = await kit.login();
  }, 180_000);
  afterAll(async () => {
    await kit?.close();
    await server?.stop();
  }, 60_000);

  const transfer = (body: Record<string, unknown>) =>
    kit.inject({ method: "POST", url: "/api/ledger/transfers", token, payload: body });
  const lines = async () =>
    (
      (await kit.inject({ method: "GET", url: "/api/ledger/lines", token })).json() as {
        lines: Array<{ transfer: string; amount: number }>;
      }
    ).lines;
  const watch = () => kit.kernel.container.cradle.databaseWatch;

  it("answers 503 to a write whose connection drops mid-transaction, and saves neither of its rows", async () => {
    const dropped = await transfer({ name: "dropped", amount: 5, drop_connection: true });
    expect(dropped.statusCode, dropped.body).toBe(503);
    expect(dropped.headers["retry-after"]).toBe("5");
    expect(dropped.json()).toMatchObject({
      error: {
        code: "DATABASE_UNAVAILABLE",
        details: { retry_after_seconds: 5 },
      },
    });
    // The server is up: the watch finds it again by itself and the next write is saved.
    await until(
      async () => (await transfer({ name: "after", amount: 7 })).statusCode === 201,
      "a write to be saved",
    );
    expect(await lines()).toEqual([
      { transfer: "after", amount: -7 },
      { transfer: "after", amount: 7 },
    ]);
  });

  it("refuses writes before their handler while the server is down, keeps answering, and saves again once it is back", {
    timeout: 120_000,
  }, async () => {
    await server.kill();
    try {
      // The first write finds out (its query fails); the watch knows from then on.
      expect((await transfer({ name: "lost", amount: 1 })).statusCode).toBe(503);
      expect(watch().lost).toBe(true);
      // Refused before validation and the handler: even a body that would be a 400.
      const early = await transfer({ name: "" });
      expect(early.statusCode, early.body).toBe(503);
      expect(early.json().error.code).toBe("DATABASE_UNAVAILABLE");
      // Sign-in writes a refresh token: refused the same way.
      const signIn = await kit.inject({
        method: "POST",
        url: "/api/auth/login",
        payload: { username: "demo", password: "demo" },
      });
      expect(signIn.statusCode).toBe(503);
      // A read that needs the database says so the same way, not with a 500.
      const read = await kit.inject({ method: "GET", url: "/api/ledger/lines", token });
      expect(read.statusCode, read.body).toBe(503);
      // The kernel itself keeps answering: degraded, not down.
      const health = await kit.inject({ method: "GET", url: "/health?details=1", token });
      expect(health.statusCode).toBe(200);
      expect(health.json()).toMatchObject({
        status: "degraded",
        database: { engine: "postgres", reachable: false, writes: "refused" },
        peers: null,
      });
    } finally {
      await server.restart();
    }
    await until(
      async () => (await transfer({ name: "back", amount: 3 })).statusCode === 201,
      "writes to be saved again",
    );
    expect(watch().lost).toBe(false);
    expect((await lines()).map((line) => line.transfer)).toEqual([
      "after",
      "after",
      "back",
      "back",
    ]);
  });
});
