/**
 * The ERP client over Oracle (node-oracledb thin mode: no client libraries). A
 * bounded pool with queue and connect timeouts, a ping for `/health`, and a
 * background retry when the pool cannot be created because the database is down.
 * The driver module is injected so the logic is testable without a server.
 */
import type { Binds, ErpClient, ErpQueryOptions, HealthStatus, Row } from "@roa2web/plugin-sdk";
import { ServiceUnavailableError } from "@roa2web/plugin-sdk";
import type { OracleSettings } from "../config/settings.js";
import { toErpError } from "./erp-errors.js";

/** The part of node-oracledb this client uses. */
export interface OracleDriver {
  OUT_FORMAT_OBJECT: number;
  createPool(attributes: Record<string, unknown>): Promise<OraclePool>;
}
export interface OraclePool {
  getConnection(): Promise<OracleConnection>;
  close(drainTime?: number): Promise<void>;
  connectionsOpen?: number;
  connectionsInUse?: number;
}
export interface OracleConnection {
  callTimeout: number;
  execute(
    sql: string,
    binds: object,
    options: object,
  ): Promise<{ rows?: unknown[]; outBinds?: unknown }>;
  queryStream(
    sql: string,
    binds: object,
    options: object,
  ): AsyncIterable<unknown> & { destroy(): void };
  ping(): Promise<void>;
  close(): Promise<void>;
}

interface Logger {
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
}

export class OracleErpClient implements ErpClient {
  readonly dialect = "oracle" as const;
  private pool: OraclePool | undefined;
  private connecting: Promise<OraclePool> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private lastError: string | undefined;
  private closed = false;

  constructor(
    private readonly driver: OracleDriver,
    private readonly settings: OracleSettings,
    private readonly logger: Logger,
    private readonly retryIntervalMs = 10_000,
  ) {}

  /** Creates the pool; on failure keeps retrying in the background and resolves anyway. */
  async open(): Promise<void> {
    try {
      await this.ensurePool();
    } catch {
      // Logged and retried by ensurePool; the kernel starts and /health says the ERP is down.
    }
  }

  private ensurePool(): Promise<OraclePool> {
    if (this.pool) return Promise.resolve(this.pool);
    if (this.closed)
      return Promise.reject(new ServiceUnavailableError("The ERP connection is closed"));
    this.connecting ??= this.driver
      .createPool({
        user: this.settings.user,
        password: this.settings.password,
        connectString: this.settings.connectString,
        poolMin: this.settings.poolMin,
        poolMax: this.settings.poolMax,
        poolIncrement: 1,
        queueTimeout: this.settings.queueTimeoutMs,
        connectTimeout: this.settings.connectTimeoutSeconds,
        poolPingInterval: 60,
        enableStatistics: true,
      })
      .then((pool) => {
        this.pool = pool;
        this.lastError = undefined;
        this.logger.info(
          {
            connectString: this.settings.connectString,
            poolMin: this.settings.poolMin,
            poolMax: this.settings.poolMax,
          },
          "Oracle pool ready",
        );
        return pool;
      })
      .catch((error: unknown) => {
        this.lastError = error instanceof Error ? error.message : String(error);
        this.logger.error(
          { err: error },
          "Oracle pool could not be created; retrying in the background",
        );
        this.scheduleRetry();
        throw new ServiceUnavailableError("The ERP database is not reachable right now", {
          cause: error,
        });
      })
      .finally(() => {
        this.connecting = undefined;
      });
    return this.connecting;
  }

  private scheduleRetry(): void {
    if (this.retryTimer || this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.ensurePool().catch(() => undefined);
    }, this.retryIntervalMs);
    this.retryTimer.unref();
  }

  /** A pooled connection with the call timeout set; the caller must close it. */
  private async acquire(options: ErpQueryOptions | undefined): Promise<OracleConnection> {
    const pool = await this.ensurePool();
    let connection: OracleConnection;
    try {
      connection = await pool.getConnection();
    } catch (error) {
      throw toErpError(error);
    }
    connection.callTimeout = options?.timeoutMs ?? this.settings.callTimeoutMs;
    return connection;
  }

  private async withConnection<T>(
    options: ErpQueryOptions | undefined,
    work: (connection: OracleConnection) => Promise<T>,
  ): Promise<T> {
    const connection = await this.acquire(options);
    try {
      return await work(connection);
    } finally {
      await connection
        .close()
        .catch((error: unknown) =>
          this.logger.warn({ err: error }, "Oracle connection release failed"),
        );
    }
  }

  async query<T extends Row = Row>(
    sql: string,
    binds: Binds = {},
    options?: ErpQueryOptions,
  ): Promise<T[]> {
    return this.withConnection(options, async (connection) => {
      try {
        const result = await connection.execute(sql, binds, {
          outFormat: this.driver.OUT_FORMAT_OBJECT,
        });
        return (result.rows ?? []).map((row) => lowerCaseKeys(row as Row) as T);
      } catch (error) {
        throw toErpError(error, sql);
      }
    });
  }

  async queryOne<T extends Row = Row>(
    sql: string,
    binds: Binds = {},
    options?: ErpQueryOptions,
  ): Promise<T | undefined> {
    const rows = await this.query<T>(sql, binds, options);
    return rows[0];
  }

  async *stream<T extends Row = Row>(
    sql: string,
    binds: Binds = {},
    options?: ErpQueryOptions,
  ): AsyncIterable<T> {
    const connection = await this.acquire(options);
    const stream = connection.queryStream(sql, binds, {
      outFormat: this.driver.OUT_FORMAT_OBJECT,
      fetchArraySize: 500,
    });
    try {
      for await (const row of stream) yield lowerCaseKeys(row as Row) as T;
    } catch (error) {
      throw toErpError(error, sql);
    } finally {
      stream.destroy();
      await connection.close().catch(() => undefined);
    }
  }

  /** Runs the ERP's credential procedure; true when it accepts the user. */
  async verifyCredentials(username: string, password: string): Promise<boolean> {
    return this.withConnection({ timeoutMs: 10_000 }, async (connection) => {
      const result = await connection.execute(
        `BEGIN :ok := ${this.settings.authProcedure}(:username, :password); END;`,
        { ok: { dir: 3003 /* BIND_OUT */, type: 2010 /* NUMBER */ }, username, password },
        {},
      );
      const ok = (result.outBinds as { ok?: number } | undefined)?.ok;
      return ok === 1;
    });
  }

  async health(timeoutMs: number): Promise<HealthStatus> {
    if (!this.pool) return { status: "down", detail: this.lastError ?? "connecting to Oracle" };
    return this.withConnection({ timeoutMs }, async (connection) => {
      await connection.ping();
      return {
        status: "up",
        detail: "Oracle",
        data: {
          connectionsOpen: this.pool?.connectionsOpen,
          connectionsInUse: this.pool?.connectionsInUse,
        },
      } satisfies HealthStatus;
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    const pool = this.pool ?? (await this.connecting?.catch(() => undefined));
    this.pool = undefined;
    await pool?.close(5);
  }
}

function lowerCaseKeys(row: Row): Row {
  const out: Row = {};
  for (const key of Object.keys(row)) out[key.toLowerCase()] = row[key];
  return out;
}
