/**
 * Copies an embedded install's SQLite databases (the kernel's and each plugin's) into
 * PostgreSQL, for `roa2web db copy-to-postgres` (ADR 0037): the entry point, which opens
 * both sides and hands them to the two halves. Each target schema is made by the same
 * `openDataSource` a kernel on DATABASE_URL uses, so every migration has run there first
 * and the tables are exactly the ones the kernel expects; copy-plan.ts then decides what
 * goes where or refuses (a target whose tables already hold rows, unless `replace`: rows
 * are never merged), and copy-rows.ts copies every row inside ONE PostgreSQL transaction
 * for all databases: a failure anywhere leaves every table as it was.
 */
import Database from "better-sqlite3";
import pg from "pg";
import { type EmbeddedDatabase, planCopy } from "./copy-plan.js";
import { type CopiedDatabases, type CopyProgress, copyPlanned } from "./copy-rows.js";
import { describeDatabaseUrl, openDataSource } from "./open-data-source.js";
import { openSqliteDataSource } from "./sqlite-data-source.js";

export { CopyRefusedError, type EmbeddedDatabase } from "./copy-plan.js";
export { CopyFailedError, type CopyProgress } from "./copy-rows.js";

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
  databases: CopiedDatabases;
  rows: number;
  ms: number;
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

  const sources: Array<{ database: EmbeddedDatabase; source: Database.Database }> = [];
  const client = new pg.Client({
    connectionString: options.url,
    application_name: "roa2web copy-to-postgres",
  });
  try {
    for (const database of databases) {
      const source = new Database(database.file, { readonly: true, fileMustExist: true });
      sources.push({ database, source });
      // One read transaction per file: a consistent snapshot, whatever else reads it.
      source.exec("BEGIN");
    }
    await client.connect();
    const replace = options.replace === true;
    const plan = await planCopy(client, sources, { replace, target });
    const copied = await copyPlanned(client, plan, {
      replace,
      batchRows: options.batchRows ?? 500,
      progress: options.progress ?? (() => undefined),
    });
    return { target, ...copied, ms: Math.round(performance.now() - started) };
  } finally {
    for (const { source } of sources) {
      if (source.inTransaction) source.exec("COMMIT");
      source.close();
    }
    await client.end().catch(() => undefined);
  }
}
