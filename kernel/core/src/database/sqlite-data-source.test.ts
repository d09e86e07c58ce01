import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { MigrationInterface, QueryRunner } from "typeorm";
import { afterAll, describe, expect, it } from "vitest";
import { type OpenedDataSource, openSqliteDataSource } from "./sqlite-data-source.js";

class CreateCounters1700000000000 implements MigrationInterface {
  name = "CreateCounters1700000000000";
  async up(queryRunner: QueryRunner) {
    await queryRunner.query(
      "CREATE TABLE counters (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)",
    );
    await queryRunner.query("INSERT INTO counters (id, value) VALUES (1, 0)");
  }
  async down(queryRunner: QueryRunner) {
    await queryRunner.query("DROP TABLE counters");
  }
}

let opened: OpenedDataSource | undefined;
afterAll(() => opened?.dataSource.destroy());

describe("openSqliteDataSource", () => {
  it("applies migrations once and records them", async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "roa2web-ds-")), "x.db");
    const first = await openSqliteDataSource({
      file,
      entities: [],
      migrations: [CreateCounters1700000000000],
    });
    expect(first.appliedMigrations).toEqual(["CreateCounters1700000000000"]);
    await first.dataSource.destroy();
    opened = await openSqliteDataSource({
      file,
      entities: [],
      migrations: [CreateCounters1700000000000],
    });
    expect(opened.appliedMigrations).toEqual([]);
  });

  it("runs concurrent transactions one after another instead of failing", async () => {
    const dataSource = opened?.dataSource;
    if (!dataSource) throw new Error("previous test did not open the data source");
    const increments = Array.from({ length: 20 }, () =>
      dataSource.transaction(async (manager) => {
        const [row] = await manager.query("SELECT value FROM counters WHERE id = 1");
        await new Promise((resolve) => setTimeout(resolve, 2));
        await manager.query("UPDATE counters SET value = ? WHERE id = 1", [row.value + 1]);
      }),
    );
    await Promise.all(increments);
    const [row] = await dataSource.query("SELECT value FROM counters WHERE id = 1");
    expect(row.value).toBe(20);
  });

  it("keeps going after a transaction that failed and was rolled back", async () => {
    const dataSource = opened?.dataSource;
    if (!dataSource) throw new Error("previous test did not open the data source");
    const failing = dataSource.transaction(async (manager) => {
      await manager.query("UPDATE counters SET value = 999 WHERE id = 1");
      throw new Error("boom");
    });
    const next = dataSource.transaction((manager) =>
      manager.query("SELECT value FROM counters WHERE id = 1"),
    );
    await expect(failing).rejects.toThrow("boom");
    expect((await next)[0].value).toBe(20);
  });

  it("waits for another process's migrations instead of failing on what it created", async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "roa2web-ds-")), "x.db");
    // Another process (a second kernel of a hand-over) is half-way through the same
    // migration: its transaction created the table and will record the migration in a
    // moment. TypeORM alone read "nothing applied" here and then failed on
    // "table counters already exists" once the other process committed.
    const other = spawn(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `import Database from "better-sqlite3";
         const db = new Database(process.argv[1]);
         db.pragma("journal_mode = WAL");
         db.exec('CREATE TABLE "migrations" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "timestamp" bigint NOT NULL, "name" varchar NOT NULL)');
         db.exec("BEGIN IMMEDIATE");
         db.exec("CREATE TABLE counters (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)");
         db.exec("INSERT INTO counters (id, value) VALUES (1, 0)");
         process.stdout.write("migrating\\n");
         setTimeout(() => {
           db.prepare("INSERT INTO migrations (timestamp, name) VALUES (?, ?)").run(1700000000000, "CreateCounters1700000000000");
           db.exec("COMMIT");
           db.close();
         }, 700);`,
        file,
      ],
      { cwd: path.dirname(fileURLToPath(import.meta.url)), stdio: ["ignore", "pipe", "inherit"] },
    );
    await new Promise<void>((resolve) => other.stdout.once("data", () => resolve()));
    const second = await openSqliteDataSource({
      file,
      entities: [],
      migrations: [CreateCounters1700000000000],
    });
    try {
      expect(second.appliedMigrations).toEqual([]);
      expect(await second.dataSource.query("SELECT name FROM migrations")).toEqual([
        { name: "CreateCounters1700000000000" },
      ]);
    } finally {
      await second.dataSource.destroy();
      await new Promise((resolve) => other.once("exit", resolve));
    }
  });
});
