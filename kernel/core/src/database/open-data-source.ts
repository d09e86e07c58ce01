/**
 * Opens a database for the kernel or a plugin where the settings put it (ADR 0028): a
 * SQLite file under DATA_DIR (the default, `openSqliteDataSource`), or a schema of the
 * PostgreSQL database `DATABASE_URL` names — `roa2web_kernel` for the kernel,
 * `plugin_<name>` for each plugin — with the same migrations. On PostgreSQL every pooled
 * connection's `search_path` is that schema, so unqualified SQL and TypeORM's
 * migrations table land there, and the migrations run once however many kernels start
 * together: one transaction holds an advisory lock on the schema's name, reads what is
 * pending, runs it and commits; whoever waited reads the first one's result.
 */
import path from "node:path";
import pg from "pg";
import { DataSource, MigrationExecutor } from "typeorm";
import type { KernelSettings } from "../config/settings.js";
import {
  boundedPostgres,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_QUERY_TIMEOUT_MS,
  unbounded,
} from "./postgres-pool.js";
import {
  type OpenedDataSource,
  openSqliteDataSource,
  type SqliteDataSourceOptions,
  typeormLogger,
} from "./sqlite-data-source.js";

export type { OpenedDataSource } from "./sqlite-data-source.js";

/**
 * PostgreSQL could not be opened at start. The message names the server and database
 * from DATABASE_URL, never the user's password. `setting` when the URL itself must
 * change (authentication refused, no such database): main.ts exits 78 then, as for
 * any setting; a server that is down or unreachable exits 1, to be started again.
 */
export class DatabaseUnavailableError extends Error {
  readonly code = "DATABASE_UNAVAILABLE";

  constructor(
    message: string,
    readonly setting: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "DatabaseUnavailableError";
  }
}

/** host:port/database of a PostgreSQL URL: what a message may show of it. */
export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const host = parsed.hostname || parsed.searchParams.get("host") || "localhost";
    return `${host}:${parsed.port || 5432}${parsed.pathname}`;
  } catch {
    return "DATABASE_URL";
  }
}

/**
 * Where one database lives. On PostgreSQL the pool's time-outs (ADR 0039) default to
 * those of `DATABASE_CONNECT_TIMEOUT_MS` and `DATABASE_QUERY_TIMEOUT_MS`.
 */
export type DatabaseLocation =
  | { kind: "sqlite"; file: string }
  | {
      kind: "postgres";
      url: string;
      schema: string;
      poolMax: number;
      connectTimeoutMs?: number;
      queryTimeoutMs?: number;
    };

export interface OpenDataSourceOptions extends Omit<SqliteDataSourceOptions, "file"> {
  location: DatabaseLocation;
}

/** The kernel's schema on PostgreSQL. */
export const KERNEL_SCHEMA = "roa2web_kernel";

/** A plugin's schema on PostgreSQL: `plugin_` and its name, `-` written `_`. */
export function pluginSchema(pluginName: string): string {
  return `plugin_${pluginName.replace(/-/g, "_")}`;
}

type DatabaseSettings = Pick<KernelSettings, "dataDir" | "database">;

/** The kernel database for these settings: `DATA_DIR/kernel.db` or `roa2web_kernel`. */
export function kernelDatabase(settings: DatabaseSettings): DatabaseLocation {
  const { url, poolMax, connectTimeoutMs, queryTimeoutMs } = settings.database;
  return url === undefined
    ? { kind: "sqlite", file: path.join(settings.dataDir, "kernel.db") }
    : { kind: "postgres", url, schema: KERNEL_SCHEMA, poolMax, connectTimeoutMs, queryTimeoutMs };
}

/** A plugin's database: `<its data folder>/<name>.db` or `plugin_<name>`. */
export function pluginDatabase(
  settings: DatabaseSettings,
  pluginName: string,
  pluginDataDir: string,
): DatabaseLocation {
  const { url, poolMax, connectTimeoutMs, queryTimeoutMs } = settings.database;
  return url === undefined
    ? { kind: "sqlite", file: path.join(pluginDataDir, `${pluginName}.db`) }
    : {
        kind: "postgres",
        url,
        schema: pluginSchema(pluginName),
        poolMax,
        connectTimeoutMs,
        queryTimeoutMs,
      };
}

export async function openDataSource(options: OpenDataSourceOptions): Promise<OpenedDataSource> {
  const { location, ...rest } = options;
  if (location.kind === "sqlite") return openSqliteDataSource({ ...rest, file: location.file });
  return openPostgresDataSource(rest, location);
}

const INT8 = 20;

/**
 * bigint (int8) columns and `count(*)` as JavaScript numbers, as SQLite gives them, so
 * the same code reads both databases. Every int8 the kernel stores is a count or a time
 * in milliseconds, far below 2^53. Per pool, not pg's global default: another user of
 * pg in the process keeps its strings.
 */
const typeParsers = {
  getTypeParser(oid: number, format?: string) {
    if (oid === INT8 && format !== "binary") return (value: string) => Number(value);
    // biome-ignore lint/suspicious/noExplicitAny: pg's own overloads
    return (pg.types.getTypeParser as any)(oid, format);
  },
};

/** An advisory-lock key space of our own: "roa2" as a number, beside the schema's hash. */
export const LOCK_CLASS = 0x726f6132;

/** How long a start waits for another kernel's migrations before it gives up. */
const MIGRATION_WAIT = "120s";

async function openPostgresDataSource(
  options: Omit<SqliteDataSourceOptions, "file">,
  location: Extract<DatabaseLocation, { kind: "postgres" }>,
): Promise<OpenedDataSource> {
  const { schema } = location;
  // Quoted nowhere else: a name that needed quoting is refused instead.
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema))
    throw new Error(`"${schema}" cannot be a PostgreSQL schema name`);
  const bounded = boundedPostgres({
    schema,
    poolMax: location.poolMax,
    connectTimeoutMs: location.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    queryTimeoutMs: location.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS,
  });
  const dataSource = new DataSource({
    type: "postgres",
    // The kernel's own driver: TypeORM is a peer the plugins share, and where it is
    // installed (beside a plugin outside this repository) pg may not be. Its pool is
    // bounded by the connect and query time-outs (postgres-pool.ts).
    driver: bounded.driver,
    url: location.url,
    schema,
    applicationName: "roa2web",
    poolSize: location.poolMax,
    extra: { ...bounded.extra, options: `-c search_path=${schema}`, types: typeParsers },
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: options.migrationsTableName ?? "migrations",
    migrationsTransactionMode: "all",
    synchronize: false,
    logger: typeormLogger(options.logger),
  });
  try {
    await dataSource.initialize();
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    // SQLSTATE class 28: authentication; 3D000: no such database.
    const setting = typeof code === "string" && (code.startsWith("28") || code === "3D000");
    throw new DatabaseUnavailableError(
      `The PostgreSQL database ${describeDatabaseUrl(location.url)} of DATABASE_URL cannot be opened (${code ?? "error"}: ${message ?? error}).${setting ? " Check the user, password and database name in DATABASE_URL." : " Is the server running and reachable from here?"}`,
      setting,
      { cause: error },
    );
  }
  try {
    const applied = await migrateUnderLock(dataSource, schema);
    return { dataSource, appliedMigrations: applied.map((migration) => migration.name) };
  } catch (error) {
    await dataSource.destroy().catch(() => undefined);
    throw error;
  }
}

/**
 * The mirror of SQLite's `BEGIN IMMEDIATE` (sqlite-data-source.ts): the lock is taken
 * before anything is read, so two kernels never both find a migration pending. PostgreSQL
 * runs DDL in transactions, so a failing migration leaves the schema as it was.
 */
async function migrateUnderLock(
  dataSource: DataSource,
  schema: string,
): Promise<Array<{ name: string }>> {
  const runner = dataSource.createQueryRunner("master");
  try {
    await runner.startTransaction();
    try {
      // Not bound by the query time-out (ADR 0039): the lock waits up to MIGRATION_WAIT
      // for another kernel's migrations, and a migration may rewrite a big table.
      const applied = await unbounded(runner, async () => {
        await runner.query(`SET LOCAL lock_timeout = '${MIGRATION_WAIT}'`);
        await runner.query("SELECT pg_advisory_xact_lock($1, hashtext($2))", [LOCK_CLASS, schema]);
        await runner.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
        const executor = new MigrationExecutor(dataSource, runner);
        executor.transaction = "all";
        return executor.executePendingMigrations();
      });
      await runner.commitTransaction();
      return applied;
    } catch (error) {
      await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    }
  } finally {
    await runner.release();
  }
}
