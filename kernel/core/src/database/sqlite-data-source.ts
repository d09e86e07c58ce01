/**
 * Opens a TypeORM data source on a SQLite file (better-sqlite3, WAL, busy timeout)
 * and applies its pending migrations in one transaction: a failing migration
 * leaves the database exactly as it was. That transaction holds SQLite's write lock
 * from its first statement, so two processes opening the same file at once (two
 * kernels during a hand-over, a kernel and the `users` command) migrate one after the
 * other: the second finds nothing left to do. A folder or file that cannot be written is
 * refused here (StorageNotWritableError), before anything depends on it. Used for the
 * kernel's own database and for each plugin's.
 */
import path from "node:path";
import Database from "better-sqlite3";
import { DataSource, type EntitySchema, type MixedList } from "typeorm";
import { assertWritableDatabase, assertWritableDirectory } from "./writable-storage.js";

export interface SqliteDataSourceOptions {
  file: string;
  // biome-ignore lint/suspicious/noExplicitAny: TypeORM's own entity list type
  entities: MixedList<string | (new (...args: any[]) => unknown) | EntitySchema>;
  // biome-ignore lint/suspicious/noExplicitAny: TypeORM's own migration list type
  migrations: MixedList<string | (new (...args: any[]) => unknown)>;
  /** Table that records applied migrations. */
  migrationsTableName?: string;
  /** Where TypeORM's own messages go (migrations, failed queries); silent when absent. */
  logger?: {
    info(object: object, message?: string): void;
    warn(object: object, message?: string): void;
  };
}

/** TypeORM's Logger interface, forwarding to our one pino stream instead of the console. */
export function typeormLogger(logger: SqliteDataSourceOptions["logger"]) {
  return {
    logQuery: () => undefined,
    logSchemaBuild: () => undefined,
    logQueryError: (error: string | Error, query: string) =>
      logger?.warn({ err: error, query: query.slice(0, 500) }, "Database query failed"),
    logQuerySlow: (time: number, query: string) =>
      logger?.warn({ ms: time, query: query.slice(0, 500) }, "Slow database query"),
    logMigration: (message: string) => logger?.info({ typeorm: "migration" }, message),
    log: (level: "log" | "info" | "warn", message: unknown) =>
      level === "warn"
        ? logger?.warn({ typeorm: level }, String(message))
        : logger?.info({ typeorm: level }, String(message)),
  };
}

export interface OpenedDataSource {
  dataSource: DataSource;
  appliedMigrations: string[];
}

export async function openSqliteDataSource(
  options: SqliteDataSourceOptions,
): Promise<OpenedDataSource> {
  assertWritableDirectory(path.dirname(options.file), "The folder of the database");
  const dataSource = new DataSource({
    type: "better-sqlite3",
    // The kernel's own driver: TypeORM is a peer the plugins share, and where it is
    // installed (beside a plugin outside this repository) better-sqlite3 may not be.
    driver: Database,
    database: options.file,
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: options.migrationsTableName ?? "migrations",
    migrationsTransactionMode: "all",
    synchronize: false,
    logger: typeormLogger(options.logger),
    enableWAL: true,
    timeout: 5000,
    prepareDatabase: (db: { pragma(sql: string): unknown }) => {
      db.pragma("foreign_keys = ON");
      db.pragma("synchronous = NORMAL");
    },
  });
  await dataSource.initialize();
  serialiseTransactions(dataSource);
  try {
    await assertWritableDatabase(dataSource, options.file);
    const applied = await migrateExclusively(dataSource, options.logger);
    return { dataSource, appliedMigrations: applied.map((migration) => migration.name) };
  } catch (error) {
    await dataSource.destroy().catch(() => undefined);
    throw error;
  }
}

/** How long a start waits for another process's migrations before it gives up. */
const MIGRATION_WAIT_MS = 120_000;

function isBusy(error: unknown): boolean {
  const { code, driverError } = error as { code?: unknown; driverError?: { code?: unknown } };
  const found = String(driverError?.code ?? code ?? "");
  return found.startsWith("SQLITE_BUSY") || found.startsWith("SQLITE_LOCKED");
}

/**
 * TypeORM's own "all" transaction starts deferred (`BEGIN`) and only after it has read
 * which migrations are pending, so two processes both read "none applied" and the
 * second fails on "table already exists". Here the pending list is read inside
 * `BEGIN IMMEDIATE` (SQLite's write lock, waited for with the busy timeout and then
 * again up to MIGRATION_WAIT_MS): whoever comes second reads the first one's result.
 * Foreign keys are off while migrating, as TypeORM's `beforeMigration` does.
 */
async function migrateExclusively(
  dataSource: DataSource,
  logger: SqliteDataSourceOptions["logger"],
): Promise<Array<{ name: string }>> {
  const deadline = Date.now() + MIGRATION_WAIT_MS;
  await dataSource.query("PRAGMA foreign_keys = OFF");
  try {
    for (let logged = false; ; ) {
      try {
        await dataSource.query("BEGIN IMMEDIATE");
        break;
      } catch (error) {
        if (!isBusy(error) || Date.now() > deadline) throw error;
        if (!logged) {
          logger?.info({}, "Another process is writing this database (migrating?): waiting");
          logged = true;
        }
      }
    }
    try {
      const applied = await dataSource.runMigrations({ transaction: "none" });
      await dataSource.query("COMMIT");
      return applied;
    } catch (error) {
      await dataSource.query("ROLLBACK").catch(() => undefined);
      throw error;
    }
  } finally {
    await dataSource.query("PRAGMA foreign_keys = ON");
  }
}

/**
 * better-sqlite3 gives TypeORM one connection, and TypeORM does not queue
 * transactions on it: two concurrent `transaction()` calls fail with "cannot start a
 * transaction within a transaction" (seen as 500s under parallel requests). Every
 * transaction of this data source therefore waits for the previous one. A
 * transaction must not start another through the data source from inside its
 * callback (use the callback's manager) — that would wait for itself.
 */
function serialiseTransactions(dataSource: DataSource): void {
  const manager = dataSource.manager;
  const original = manager.transaction.bind(manager) as (...args: unknown[]) => Promise<unknown>;
  let queue: Promise<unknown> = Promise.resolve();
  manager.transaction = ((...args: unknown[]) => {
    const run = queue.then(() => original(...args));
    queue = run.catch(() => undefined);
    return run;
  }) as typeof manager.transaction;
}
