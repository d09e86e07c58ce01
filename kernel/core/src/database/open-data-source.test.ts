import { describeWithServers, type PostgresServer, startPostgres } from "@roa2web/test-servers";
import type { MigrationInterface, QueryRunner } from "typeorm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openPluginDatabase } from "../testing/units.js";
import { type OpenedDataSource, openDataSource, pluginSchema } from "./open-data-source.js";

class CreateCounters1700000000000 implements MigrationInterface {
  name = "CreateCounters1700000000000";
  async up(queryRunner: QueryRunner) {
    await queryRunner.query(
      "CREATE TABLE counters (id INTEGER PRIMARY KEY, value BIGINT NOT NULL)",
    );
    await queryRunner.query("INSERT INTO counters (id, value) VALUES (1, 0)");
  }
  async down(queryRunner: QueryRunner) {
    await queryRunner.query("DROP TABLE counters");
  }
}

class Breaks1700000000001 implements MigrationInterface {
  name = "Breaks1700000000001";
  async up(queryRunner: QueryRunner) {
    await queryRunner.query("CREATE TABLE half_done (id INTEGER PRIMARY KEY)");
    await queryRunner.query("SELECT no_such_function()");
  }
  async down() {}
}

const migrations = [CreateCounters1700000000000];

it("names a plugin's schema after the plugin, dashes as underscores", () => {
  expect(pluginSchema("data-entry")).toBe("plugin_data_entry");
  expect(pluginSchema("notes")).toBe("plugin_notes");
});

describeWithServers(["postgres"], "openDataSource on PostgreSQL", () => {
  let server: PostgresServer;
  const opened: OpenedDataSource[] = [];
  const open = async (url: string, schema: string, list: unknown[] = migrations) => {
    const result = await openDataSource({
      location: { kind: "postgres", url, schema, poolMax: 4 },
      entities: [],
      migrations: list as never,
    });
    opened.push(result);
    return result;
  };

  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    for (const { dataSource } of opened) if (dataSource.isInitialized) await dataSource.destroy();
    await server?.stop();
  });

  it("migrates once when several open one empty database at the same moment", async () => {
    const url = await server.createDatabase();
    const results = await Promise.all(
      Array.from({ length: 4 }, () => open(url, "plugin_counters")),
    );
    expect(results.flatMap((result) => result.appliedMigrations)).toEqual([
      "CreateCounters1700000000000",
    ]);
    const [first] = results;
    if (!first) throw new Error("nothing opened");
    expect(
      await first.dataSource.query(
        "SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY table_name",
      ),
    ).toEqual([
      { table_schema: "plugin_counters", table_name: "counters" },
      { table_schema: "plugin_counters", table_name: "migrations" },
    ]);
    expect(await first.dataSource.query("SELECT name FROM migrations")).toEqual([
      { name: "CreateCounters1700000000000" },
    ]);
  });

  it("reads bigint and count(*) as numbers, as SQLite gives them", async () => {
    const url = await server.createDatabase();
    const { dataSource } = await open(url, "plugin_numbers");
    await dataSource.query("UPDATE counters SET value = $1 WHERE id = 1", [1765300000123]);
    expect(
      await dataSource.query("SELECT value, count(*) AS n FROM counters GROUP BY value"),
    ).toEqual([{ value: 1765300000123, n: 1 }]);
  });

  it("opens a plugin's database for its tests as DATABASE_URL would: in plugin_<name>", async () => {
    const url = await server.createDatabase();
    const result = await openPluginDatabase({
      postgres: { url, plugin: "data-entry" },
      entities: [],
      migrations,
    });
    opened.push(result);
    expect(result.appliedMigrations).toEqual(["CreateCounters1700000000000"]);
    expect(
      await result.dataSource.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'plugin_data_entry' ORDER BY 1",
      ),
    ).toEqual([{ table_name: "counters" }, { table_name: "migrations" }]);
  });

  it("keeps schemas apart and leaves the schema as it was when a migration fails", async () => {
    const url = await server.createDatabase();
    const { dataSource } = await open(url, "plugin_a");
    await expect(open(url, "plugin_b", [...migrations, Breaks1700000000001])).rejects.toThrow(
      /no_such_function/,
    );
    const tables = await dataSource.query(
      "SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema LIKE 'plugin_%' ORDER BY 1, 2",
    );
    expect(tables).toEqual([
      { table_schema: "plugin_a", table_name: "counters" },
      { table_schema: "plugin_a", table_name: "migrations" },
    ]);
  });
});
