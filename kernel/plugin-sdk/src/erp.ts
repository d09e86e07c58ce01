/**
 * The read side of the books. The same SQL runs on the embedded SQLite ERP and on
 * Oracle: named bind variables (`:company`) only, never values built into the text.
 */
import type { HealthStatus } from "./health.js";
import type { Logger } from "./logger.js";

export type ErpDialect = "sqlite" | "oracle";

export type BindValue = string | number | bigint | boolean | null | Date;
export type Binds = Readonly<Record<string, BindValue>>;
export type Row = Record<string, unknown>;

export interface ErpQueryOptions {
  /** Give up after this many milliseconds (Oracle: call timeout). */
  timeoutMs?: number;
}

export interface ErpClient {
  readonly dialect: ErpDialect;
  /**
   * Runs a query and returns every row. Column names come back in lower case on both
   * dialects, so `SELECT SUM(x) AS total` is read as `row.total`.
   */
  query<T extends Row = Row>(sql: string, binds?: Binds, options?: ErpQueryOptions): Promise<T[]>;
  /** The first row, or undefined. */
  queryOne<T extends Row = Row>(
    sql: string,
    binds?: Binds,
    options?: ErpQueryOptions,
  ): Promise<T | undefined>;
  /** Streams rows one at a time, for exports that must not hold everything in memory. */
  stream<T extends Row = Row>(
    sql: string,
    binds?: Binds,
    options?: ErpQueryOptions,
  ): AsyncIterable<T>;
}

/**
 * What an ERP adapter package default-exports: how the kernel opens one ERP. The kernel
 * loads the module named by `ERP_ADAPTER` (ADR 0017) and knows nothing else about it.
 * Plugins never see an adapter, only the `ErpClient` it opens.
 */
export interface ErpAdapter {
  /** Short name for the log and `/health`, e.g. `demo`. */
  readonly name: string;
  /**
   * What is wrong with the adapter's settings, each problem naming its variable (empty
   * when nothing is). Called before `open`; the kernel refuses to start, as for its own
   * settings, when any is reported.
   */
  settingsProblems?(context: ErpAdapterContext): string[];
  /** Opens the ERP (creating whatever it needs first); rejects when it cannot. */
  open(context: ErpAdapterContext): Promise<ErpConnection>;
}

export interface ErpAdapterContext {
  /** Every setting as the kernel read it (process environment over `.env` over `config/<env>.env`). */
  readonly env: Readonly<Record<string, string>>;
  readonly environment: "development" | "test" | "production";
  /** The kernel's data folder (`DATA_DIR`), absolute. */
  readonly dataDir: string;
  /** Makes a configured path absolute the way the kernel does (against the project root). */
  resolvePath(value: string): string;
  /** The kernel's logger for the ERP (`module: "erp"`). */
  readonly logger: Logger;
}

/** An open ERP: the client plugins receive, plus what only the kernel uses. */
export interface ErpConnection {
  readonly client: ErpClient;
  /** For `/health`; the kernel bounds it by `ERP_HEALTH_TIMEOUT_MS`. */
  health(): Promise<HealthStatus> | HealthStatus;
  /** The ERP's own credential check (`AUTH_PROVIDER=oracle`), when it has one. */
  verifyCredentials?(username: string, password: string): Promise<boolean>;
  close(): Promise<void> | void;
}
