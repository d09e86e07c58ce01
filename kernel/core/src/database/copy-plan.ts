/**
 * The planning half of `roa2web db copy-to-postgres` (ADR 0037): with the SQLite files
 * open for reading and the target's schemas made by the migrations, decides what is
 * copied where — every SQLite table with its columns, the PostgreSQL table it goes to —
 * or refuses before anything is written: a SQLite file at a migration this code does not
 * have, a table or column PostgreSQL lacks (or generates), a target already holding rows
 * (unless `replace`). It only reads; copy-rows.ts carries the plan out.
 */
import type Database from "better-sqlite3";
import type pg from "pg";
import type { TargetColumn } from "./column-values.js";
import type { SqliteDataSourceOptions } from "./sqlite-data-source.js";

/** One embedded database and where it goes. */
export interface EmbeddedDatabase {
  /** "kernel" or the plugin's name: how progress and the summary name it. */
  name: string;
  /** Its SQLite file under DATA_DIR. */
  file: string;
  /** Its PostgreSQL schema (`roa2web_kernel`, `plugin_<name>`). */
  schema: string;
  entities: SqliteDataSourceOptions["entities"];
  migrations: SqliteDataSourceOptions["migrations"];
}

/**
 * Nothing was written because the copy would be wrong: the target holds data, or its
 * tables do not match the SQLite ones. `details` lists what was found.
 */
export class CopyRefusedError extends Error {
  readonly code = "COPY_REFUSED";
  constructor(
    message: string,
    readonly details: string[] = [],
  ) {
    super(details.length > 0 ? `${message}\n  ${details.join("\n  ")}` : message);
    this.name = "CopyRefusedError";
  }
}

export interface SourceTable {
  name: string;
  columns: string[];
  /** Primary key columns, to name a refused row without its values. */
  key: string[];
}

export interface TargetTable {
  name: string;
  columns: Map<string, TargetColumn & { identityAlways: boolean; generated: boolean }>;
}

/** One database's part of the plan. */
export interface PlannedDatabase {
  database: EmbeddedDatabase;
  /** Its SQLite file, open read-only inside a read transaction (a consistent snapshot). */
  source: Database.Database;
  /** The SQLite tables to copy, by name order; each has its table in `target`. */
  tables: SourceTable[];
  /** Every roa2web table of its PostgreSQL schema (all emptied by `replace`). */
  target: Map<string, TargetTable>;
}

/** TypeORM's bookkeeping: the target's own rows were written by its migrations. */
const NOT_COPIED = new Set(["migrations", "typeorm_metadata"]);

export const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

export async function countRows(client: pg.Client, schema: string, table: string): Promise<number> {
  const { rows } = await client.query<{ n: string }>(
    `SELECT count(*) AS n FROM ${quote(schema)}.${quote(table)}`,
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * What to copy from each database, in the order given. Throws CopyRefusedError when the
 * two sides do not match, or when the target holds rows and `replace` is not set.
 */
export async function planCopy(
  client: pg.Client,
  databases: ReadonlyArray<{ database: EmbeddedDatabase; source: Database.Database }>,
  options: { replace: boolean; target: string },
): Promise<PlannedDatabase[]> {
  const plan: PlannedDatabase[] = [];
  const problems: string[] = [];
  for (const { database, source } of databases) {
    const target = await targetTables(client, database.schema);
    const { rows } = await client.query<{ name: string }>(
      `SELECT name FROM ${quote(database.schema)}.migrations`,
    );
    const known = new Set(rows.map((row) => row.name));
    for (const name of appliedMigrations(source)) {
      if (!known.has(name))
        problems.push(
          `${database.name}: the SQLite file has migration ${name}, which this version's code does not have`,
        );
    }
    const tables = sqliteTables(source);
    for (const table of tables) {
      const found = target.get(table.name);
      if (!found) {
        problems.push(
          `${database.name}: table ${table.name} is in the SQLite file but not in PostgreSQL`,
        );
        continue;
      }
      for (const column of table.columns) {
        const targetColumn = found.columns.get(column);
        if (!targetColumn || targetColumn.generated)
          problems.push(
            `${database.name}: column ${table.name}.${column} is in the SQLite file but ${targetColumn ? "generated" : "missing"} in PostgreSQL`,
          );
      }
    }
    plan.push({ database, source, tables, target });
  }
  if (problems.length > 0)
    throw new CopyRefusedError(
      "The SQLite databases and the PostgreSQL schemas their migrations made do not match; nothing was copied:",
      problems,
    );
  if (!options.replace) {
    const occupied = await occupiedTables(client, plan);
    if (occupied.length > 0)
      throw new CopyRefusedError(
        `The target ${options.target} already holds data; nothing was copied (rows are never merged). Copy into an empty database, or pass --replace to empty these tables first:`,
        occupied,
      );
  }
  return plan;
}

function sqliteTables(db: Database.Database): SourceTable[] {
  const names = db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .pluck()
    .all() as string[];
  return names
    .filter((name) => !NOT_COPIED.has(name))
    .map((name) => {
      const info = db.prepare(`PRAGMA table_info(${quote(name)})`).all() as Array<{
        name: string;
        pk: number;
      }>;
      return {
        name,
        columns: info.map((column) => column.name),
        key: info
          .filter((column) => column.pk > 0)
          .sort((a, b) => a.pk - b.pk)
          .map((column) => column.name),
      };
    });
}

async function targetTables(client: pg.Client, schema: string): Promise<Map<string, TargetTable>> {
  const { rows } = await client.query<{
    table_name: string;
    column_name: string;
    data_type: string;
    identity_generation: string | null;
    is_generated: string;
  }>(
    `SELECT c.table_name, c.column_name, c.data_type, c.identity_generation, c.is_generated
       FROM information_schema.columns c
       JOIN information_schema.tables t
         ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = $1 AND t.table_type = 'BASE TABLE'
      ORDER BY c.table_name, c.ordinal_position`,
    [schema],
  );
  const tables = new Map<string, TargetTable>();
  for (const row of rows) {
    if (NOT_COPIED.has(row.table_name)) continue;
    let table = tables.get(row.table_name);
    if (!table) {
      table = { name: row.table_name, columns: new Map() };
      tables.set(row.table_name, table);
    }
    table.columns.set(row.column_name, {
      name: row.column_name,
      dataType: row.data_type,
      identityAlways: row.identity_generation === "ALWAYS",
      generated: row.is_generated === "ALWAYS",
    });
  }
  return tables;
}

/** What a copy would overwrite: every target table holding rows, with its count. */
async function occupiedTables(
  client: pg.Client,
  plan: readonly PlannedDatabase[],
): Promise<string[]> {
  const occupied: string[] = [];
  for (const { database, target } of plan) {
    for (const table of target.keys()) {
      const rows = await countRows(client, database.schema, table);
      if (rows > 0)
        occupied.push(`${database.schema}.${table}: ${rows} ${rows === 1 ? "row" : "rows"}`);
    }
  }
  return occupied;
}

function appliedMigrations(db: Database.Database): string[] {
  const exists = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migrations'")
    .get();
  return exists ? (db.prepare("SELECT name FROM migrations").pluck().all() as string[]) : [];
}
