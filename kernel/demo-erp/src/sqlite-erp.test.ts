import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureDemoErp } from "./ensure-demo-erp.js";
import { SqliteErpClient } from "./sqlite-erp.js";

let client: SqliteErpClient;

beforeAll(() => {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), "roa2web-sqlite-erp-")), "erp.db");
  ensureDemoErp(
    file,
    { seed: 3, scale: 1, endDate: "2026-06-15" },
    { info: () => undefined, warn: () => undefined },
  );
  client = new SqliteErpClient(file);
});
afterAll(() => client?.close());

// A query that keeps SQLite busy for a while, whatever the machine.
const HEAVY = `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count)
               SELECT COUNT(*) AS total, SUM(i % 7) AS checksum FROM n`;

describe("SqliteErpClient", () => {
  it("answers with named binds, booleans and dates converted for SQLite", async () => {
    const rows = await client.query<{ id: number; name: string }>(
      "SELECT id, name FROM companies WHERE id = :company AND :flag = 1 AND :day >= '2000-01-01'",
      { company: 1, flag: true, day: new Date("2026-01-02T10:00:00Z") },
    );
    expect(rows).toEqual([{ id: 1, name: expect.any(String) }]);
    expect(
      await client.queryOne("SELECT id FROM companies WHERE id = :company", { company: 999 }),
    ).toBeUndefined();
  });

  it("keeps the event loop free while a long query runs", async () => {
    let worstDelay = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      worstDelay = Math.max(worstDelay, now - last - 10);
      last = now;
    }, 10);
    const started = performance.now();
    const [row] = await client.query<{ total: number }>(HEAVY, { count: 3_000_000 });
    const took = performance.now() - started;
    clearInterval(timer);
    expect(row?.total).toBe(3_000_000);
    // The query itself takes hundreds of milliseconds; the timer never waits that long.
    expect(took).toBeGreaterThan(worstDelay * 3);
    expect(worstDelay).toBeLessThan(took / 2);
  });

  it("runs queries side by side on its workers", async () => {
    const results = await Promise.all(
      [1, 2, 3, 4].map((company) => client.queryOne("SELECT :company AS company", { company })),
    );
    expect(results.map((row) => row?.company)).toEqual([1, 2, 3, 4]);
  });

  it("reports SQL errors as a 500 without the SQL text in the message", async () => {
    const error = (await client.query("SELECT * FROM no_such_table").then(
      () => new Error("expected a failure"),
      (caught: unknown) => caught,
    )) as Error & { statusCode: number };
    expect(error.statusCode).toBe(500);
    expect(error.message).not.toContain("no_such_table");
  });

  it("streams every row of a large result on its own connection", async () => {
    let count = 0;
    for await (const _row of client.stream(
      "SELECT id FROM ledger_entries WHERE company_id = :company",
      { company: 1 },
    ))
      count++;
    const row = await client.queryOne<{ n: number }>(
      "SELECT COUNT(*) AS n FROM ledger_entries WHERE company_id = 1",
    );
    expect(count).toBe(row?.n);
    expect(count).toBeGreaterThan(1000);
  });
});
