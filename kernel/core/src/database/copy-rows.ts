/**
 * The copying half of `roa2web db copy-to-postgres` (ADR 0037): carries out a plan
 * (copy-plan.ts) inside ONE PostgreSQL transaction for all databases — the target's
 * tables emptied first when `replace` is set, each database's tables in foreign-key
 * order, rows in batched INSERTs converted per target column type (column-values.ts),
 * sequences set past the largest id, each table's count compared with SQLite's — and
 * rolls every table back on any failure.
 */
import type Database from "better-sqlite3";
import type pg from "pg";
import {
  type SqliteValue,
  type TargetColumn,
  toPostgresValue,
  UnconvertibleValueError,
} from "./column-values.js";
import {
  countRows,
  type EmbeddedDatabase,
  type PlannedDatabase,
  quote,
  type SourceTable,
  type TargetTable,
} from "./copy-plan.js";

export type CopyProgress =
  | { type: "database"; database: string; schema: string; tables: number }
  | { type: "rows"; database: string; table: string; copied: number; total: number }
  | { type: "table"; database: string; table: string; rows: number };

/** What was copied, per database and table, in the order copied. */
export type CopiedDatabases = Array<{
  name: string;
  schema: string;
  tables: Array<{ table: string; rows: number }>;
}>;

/** A row PostgreSQL (or the conversion) refused: everything was rolled back. */
export class CopyFailedError extends Error {
  readonly code = "COPY_FAILED";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CopyFailedError";
  }
}

/**
 * Copies every planned table in one transaction, committed only when every count
 * matches. Throws CopyFailedError (all rolled back) when a row is refused.
 */
export async function copyPlanned(
  client: pg.Client,
  plan: readonly PlannedDatabase[],
  options: { replace: boolean; batchRows: number; progress: (event: CopyProgress) => void },
): Promise<{ databases: CopiedDatabases; rows: number }> {
  const { progress } = options;
  const result: { databases: CopiedDatabases; rows: number } = { databases: [], rows: 0 };
  await client.query("BEGIN");
  try {
    if (options.replace) {
      const all = plan.flatMap(({ database, target }) =>
        [...target.keys()].map((table) => `${quote(database.schema)}.${quote(table)}`),
      );
      if (all.length > 0) await client.query(`TRUNCATE ${all.join(", ")} RESTART IDENTITY`);
    }
    for (const { database, source, tables, target } of plan) {
      const planned = new Map(tables.map((table) => [table.name, table]));
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
          source,
          database,
          planned.get(name) as SourceTable,
          target.get(name) as TargetTable,
          options.batchRows,
          progress,
        );
        copied.push({ table: name, rows });
        result.rows += rows;
        progress({ type: "table", database: database.name, table: name, rows });
      }
      result.databases.push({ name: database.name, schema: database.schema, tables: copied });
    }
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
  return result;
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

  const landed = await countRows(client, database.schema, source.name);
  if (landed !== total || copied !== total) {
    throw new CopyFailedError(
      `${database.name}: table ${source.name} has ${total} rows in SQLite but ${landed} in PostgreSQL after the copy. Nothing was copied.`,
    );
  }
  return copied;
}
