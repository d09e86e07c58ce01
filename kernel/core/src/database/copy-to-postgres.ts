/**
 * Copies an embedded install's SQLite databases (the kernel's and each plugin's) into
 * PostgreSQL, for `roa2web db copy-to-postgres` (ADR 0037). Each target schema is made
 * by the same `openDataSource` a kernel on DATABASE_URL uses, so every migration has run
 * there first and the tables are exactly the ones the kernel expects; then every row is
 * copied, converted per target column type (column-values.ts), inside ONE PostgreSQL
 * transaction for all databases: a failure anywhere leaves every table as it was. The
 * sequences are set past the largest id and the counts are compared before the commit.
 * A target whose tables already hold rows is refused unless `replace` empties them (in
 * the same transaction): rows are never merged.
 */
import Database from "better-sqlite3";
import pg from "pg";
import {
  type SqliteValue,
  type TargetColumn,
  toPostgresValue,
  UnconvertibleValueError,
} from "./column-values.js";
import { describeDatabaseUrl, openDataSource } from "./open-data-source.js";
import { openSqliteDataSource, type SqliteDataSourceOptions } from "./sqlite-data-source.js";

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

export type CopyProgress =
  | { type: "database"; database: string; schema: string; tables: number }
  | { type: "rows"; database: string; table: string; copied: number; total: number }
  | { type: "table"; database: string; table: string; rows: number };

export interface CopyToPostgresOptions {
  /** The target PostgreSQL database (DATABASE_URL or --to). */
  url: string;
  /** Empty the target's tables first (same transaction) instead of refusing them. */
  replace?: boolean;
  /** Rows per INSERT (bounded by PostgreSQL's 65,535 parameters). */
  batchRows?: number;
  progress?: (event: CopyProgress) => void;
}

export interface CopySummary {
  /** host:port/database: never the password. */
  target: string;
  databases: Array<{
    name: string;
    schema: string;
    tables: Array<{ table: string; rows: number }>;
  }>;
  rows: number;
  ms: number;
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

/** A row PostgreSQL (or the conversion) refused: everything was rolled back. */
export class CopyFailedError extends Error {
  readonly code = "COPY_FAILED";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CopyFailedError";
  }
}

/** TypeORM's bookkeeping: the target's own rows were written by its migrations. */
const NOT_COPIED = new Set(["migrations", "typeorm_metadata"]);

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

interface SourceTable {
  name: string;
  columns: string[];
  /** Primary key columns, to name a refused row without its values. */
  key: string[];
}

interface TargetTable {
  name: string;
  columns: Map<string, TargetColumn & { identityAlways: boolean; generated: boolean }>;
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

/** Parents before children, by the target's foreign keys (a cycle keeps name order). */
async function insertOrder(
  client: pg.Client,
  schema: string,
  tables: readonly string[],
): Promise<string[]> {
  const { rows } = await client.query<{ child: string; parent: string }>(
    `SELECT child.relname AS child, parent.relname AS parent
       FROM pg_constraint c
       JOIN pg_class child ON child.oid = c.conrelid
       JOIN pg_class parent ON parent.oid = c.confrelid
       JOIN pg_namespace n ON n.oid = child.relnamespace
      WHERE c.contype = 'f' AND n.nspname = $1`,
    [schema],
  );
  const parents = new Map<string, Set<string>>(tables.map((table) => [table, new Set()]));
  for (const { child, parent } of rows) {
    if (child !== parent && parents.has(parent)) parents.get(child)?.add(parent);
  }
  const ordered: string[] = [];
  const remaining = [...tables].sort();
  while (remaining.length > 0) {
    const ready = remaining.findIndex((table) =>
      [...(parents.get(table) ?? [])].every((parent) => ordered.includes(parent)),
    );
    const [next] = remaining.splice(ready === -1 ? 0 : ready, 1);
    if (next !== undefined) ordered.push(next);
  }
  return ordered;
}

async function count(client: pg.Client, schema: string, table: string): Promise<number> {
  const { rows } = await client.query<{ n: string }>(
    `SELECT count(*) AS n FROM ${quote(schema)}.${quote(table)}`,
  );
  return Number(rows[0]?.n ?? 0);
}

/** What a copy would overwrite: every target table holding rows, with its count. */
async function occupiedTables(
  client: pg.Client,
  databases: readonly EmbeddedDatabase[],
  targets: ReadonlyMap<string, Map<string, TargetTable>>,
): Promise<string[]> {
  const occupied: string[] = [];
  for (const database of databases) {
    for (const table of targets.get(database.schema)?.keys() ?? []) {
      const rows = await count(client, database.schema, table);
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

/**
 * Copies every database into `options.url`. Throws CopyRefusedError before writing
 * anything, CopyFailedError (all rolled back) when a row is refused, and the opener's
 * DatabaseUnavailableError when PostgreSQL cannot be reached.
 */
export async function copyToPostgres(
  databases: readonly EmbeddedDatabase[],
  options: CopyToPostgresOptions,
): Promise<CopySummary> {
  const started = performance.now();
  const progress = options.progress ?? (() => undefined);
  const target = describeDatabaseUrl(options.url);

  // The source first gets the migrations a kernel start would apply to it, so both sides
  // are at the same version of every database; then it is only read.
  for (const database of databases) {
    const { dataSource } = await openSqliteDataSource(database);
    await dataSource.destroy();
  }
  // Every schema made as a kernel on DATABASE_URL makes it (migrations under the lock).
  for (const database of databases) {
    const { dataSource } = await openDataSource({
      location: { kind: "postgres", url: options.url, schema: database.schema, poolMax: 1 },
      entities: database.entities,
      migrations: database.migrations,
    });
    await dataSource.destroy();
  }

  const sources = new Map<string, Database.Database>();
  const client = new pg.Client({
    connectionString: options.url,
    application_name: "roa2web copy-to-postgres",
  });
  try {
    for (const database of databases) {
      const db = new Database(database.file, { readonly: true, fileMustExist: true });
      sources.set(database.name, db);
      // One read transaction per file: a consistent snapshot, whatever else reads it.
      db.exec("BEGIN");
    }
    await client.connect();

    const targets = new Map<string, Map<string, TargetTable>>();
    const problems: string[] = [];
    const plans = new Map<string, SourceTable[]>();
    for (const database of databases) {
      const db = sources.get(database.name) as Database.Database;
      const tables = await targetTables(client, database.schema);
      targets.set(database.schema, tables);
      const { rows } = await client.query<{ name: string }>(
        `SELECT name FROM ${quote(database.schema)}.migrations`,
      );
      const known = new Set(rows.map((row) => row.name));
      for (const name of appliedMigrations(db)) {
        if (!known.has(name))
          problems.push(
            `${database.name}: the SQLite file has migration ${name}, which this version's code does not have`,
          );
      }
      const sourceTables = sqliteTables(db);
      for (const table of sourceTables) {
        const found = tables.get(table.name);
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
      plans.set(database.name, sourceTables);
    }
    if (problems.length > 0)
      throw new CopyRefusedError(
        "The SQLite databases and the PostgreSQL schemas their migrations made do not match; nothing was copied:",
        problems,
      );
    if (!options.replace) {
      const occupied = await occupiedTables(client, databases, targets);
      if (occupied.length > 0)
        throw new CopyRefusedError(
          `The target ${target} already holds data; nothing was copied (rows are never merged). Copy into an empty database, or pass --replace to empty these tables first:`,
          occupied,
        );
    }

    const summary: CopySummary = { target, databases: [], rows: 0, ms: 0 };
    await client.query("BEGIN");
    try {
      if (options.replace) {
        const all = databases.flatMap((database) =>
          [...(targets.get(database.schema)?.keys() ?? [])].map(
            (table) => `${quote(database.schema)}.${quote(table)}`,
          ),
        );
        if (all.length > 0) await client.query(`TRUNCATE ${all.join(", ")} RESTART IDENTITY`);
      }
      for (const database of databases) {
        const db = sources.get(database.name) as Database.Database;
        const tablesOfTarget = targets.get(database.schema) as Map<string, TargetTable>;
        const planned = new Map(
          (plans.get(database.name) ?? []).map((table) => [table.name, table]),
        );
        const order = await insertOrder(client, database.schema, [...planned.keys()]);
        progress({
          type: "database",
          database: database.name,
          schema: database.schema,
          tables: order.length,
        });
        const copied: Array<{ table: string; rows: number }> = [];
        for (const name of order) {
          const rows = await copyTable(
            client,
            db,
            database,
            planned.get(name) as SourceTable,
            tablesOfTarget.get(name) as TargetTable,
            options.batchRows ?? 500,
            progress,
          );
          copied.push({ table: name, rows });
          summary.rows += rows;
          progress({ type: "table", database: database.name, table: name, rows });
        }
        summary.databases.push({ name: database.name, schema: database.schema, tables: copied });
      }
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    }
    summary.ms = Math.round(performance.now() - started);
    return summary;
  } finally {
    for (const db of sources.values()) {
      if (db.inTransaction) db.exec("COMMIT");
      db.close();
    }
    await client.end().catch(() => undefined);
  }
}

/** Copies one table in batches, resets its sequences and checks its count. */
async function copyTable(
  client: pg.Client,
  db: Database.Database,
  database: EmbeddedDatabase,
  source: SourceTable,
  target: TargetTable,
  batchRows: number,
  progress: (event: CopyProgress) => void,
): Promise<number> {
  const qualified = `${quote(database.schema)}.${quote(source.name)}`;
  const columns = source.columns.map((name) => target.columns.get(name) as TargetColumn);
  const overriding = [...target.columns.values()].some((column) => column.identityAlways)
    ? " OVERRIDING SYSTEM VALUE"
    : "";
  const total = Number(
    db
      .prepare(`SELECT count(*) FROM ${quote(source.name)}`)
      .pluck()
      .get() as number,
  );
  const perBatch = Math.max(1, Math.min(batchRows, Math.floor(60_000 / columns.length)));
  const where = (row: SqliteValue[], index: number) => {
    const key = source.key
      .map((name) => `${name}=${String(row[source.columns.indexOf(name)])}`)
      .join(", ");
    return `${database.name}: table ${source.name}, row ${index + 1}${key ? ` (${key})` : ""}`;
  };
  const insert = async (rows: SqliteValue[][], first: number) => {
    const values: unknown[] = [];
    const tuples = rows.map((row, rowIndex) => {
      const placeholders = row.map((value, column) => {
        try {
          values.push(toPostgresValue(value, columns[column] as TargetColumn));
        } catch (error) {
          if (error instanceof UnconvertibleValueError)
            throw new CopyFailedError(
              `${where(row, first + rowIndex)}: ${error.message}. Nothing was copied.`,
            );
          throw error;
        }
        return `$${values.length}`;
      });
      return `(${placeholders.join(", ")})`;
    });
    const sql = `INSERT INTO ${qualified} (${source.columns.map(quote).join(", ")})${overriding} VALUES `;
    await client.query("SAVEPOINT batch");
    try {
      await client.query(sql + tuples.join(", "), values);
      await client.query("RELEASE SAVEPOINT batch");
    } catch (error) {
      // Find the row PostgreSQL refused, to name it (its key, never its values).
      await client.query("ROLLBACK TO SAVEPOINT batch");
      for (const [rowIndex, row] of rows.entries()) {
        try {
          await client.query("SAVEPOINT one");
          await client.query(
            `${sql}(${row.map((_, column) => `$${column + 1}`).join(", ")})`,
            row.map((value, column) => toPostgresValue(value, columns[column] as TargetColumn)),
          );
          await client.query("RELEASE SAVEPOINT one");
        } catch (rowError) {
          throw new CopyFailedError(
            `${where(row, first + rowIndex)}: PostgreSQL refused it (${(rowError as Error).message}). Nothing was copied.`,
            { cause: rowError },
          );
        }
      }
      throw new CopyFailedError(
        `${database.name}: table ${source.name}: PostgreSQL refused rows ${first + 1}-${first + rows.length} (${(error as Error).message}). Nothing was copied.`,
        { cause: error },
      );
    }
  };

  const statement = db
    .prepare(`SELECT ${source.columns.map(quote).join(", ")} FROM ${quote(source.name)}`)
    .raw(true)
    .safeIntegers(true);
  let batch: SqliteValue[][] = [];
  let copied = 0;
  for (const row of statement.iterate() as IterableIterator<SqliteValue[]>) {
    batch.push(row);
    if (batch.length === perBatch) {
      await insert(batch, copied);
      copied += batch.length;
      batch = [];
      progress({ type: "rows", database: database.name, table: source.name, copied, total });
    }
  }
  if (batch.length > 0) {
    await insert(batch, copied);
    copied += batch.length;
    progress({ type: "rows", database: database.name, table: source.name, copied, total });
  }

  // Identity and serial columns continue after the largest id copied.
  for (const column of target.columns.values()) {
    if (!["smallint", "integer", "bigint"].includes(column.dataType)) continue;
    const { rows } = await client.query<{ sequence: string | null }>(
      "SELECT pg_get_serial_sequence($1, $2) AS sequence",
      [qualified, column.name],
    );
    const sequence = rows[0]?.sequence;
    if (!sequence) continue;
    await client.query(
      `SELECT setval($1::regclass, COALESCE((SELECT max(${quote(column.name)}) FROM ${qualified}), 0) + 1, false)`,
      [sequence],
    );
  }

  const landed = await count(client, database.schema, source.name);
  if (landed !== total || copied !== total) {
    throw new CopyFailedError(
      `${database.name}: table ${source.name} has ${total} rows in SQLite but ${landed} in PostgreSQL after the copy. Nothing was copied.`,
    );
  }
  return copied;
}
