/**
 * The PostgreSQL pool every kernel and plugin database goes through (ADR 0039), so that
 * a server that hangs — connections open, nothing answered — costs a request a few
 * seconds and a 503, never a wait for TCP:
 *
 * - **connect** (`DATABASE_CONNECT_TIMEOUT_MS`): a new connection whose server has not
 *   finished the start-up by then, and a request that found every pooled connection
 *   busy for that long, fail (pg's `connectionTimeoutMillis`, both).
 * - **query** (`DATABASE_QUERY_TIMEOUT_MS`): PostgreSQL cancels a statement that runs
 *   longer (`statement_timeout`, the server's answer: SQLSTATE 57014). A server that
 *   does not answer even that one second later is taken for hung: the kernel closes the
 *   connection. Closing matters: an unanswered statement may still run once the server
 *   wakes, and a connection handed back to the pool in the middle of a transaction
 *   would let the next request commit it. Closed, the server rolls the open transaction
 *   back when it reads the end of the stream.
 * - TCP keep-alive on every connection, so that an idle pooled connection to a machine
 *   that vanished is found out by the operating system.
 *
 * The client-side bound is the kernel's own timer, not pg's `query_timeout`: that one
 * only rejects the promise and hands the connection back still waiting for its answer.
 * Migrations lift both bounds for their transaction (`unbounded`): they wait up to 120 s
 * for another kernel's lock and may rewrite a big table.
 */
import pg from "pg";
import { isConnectionLost } from "../health/connection-errors.js";

/** Which wait ran out. */
export type DatabaseTimeoutKind = "connect" | "pool" | "query";

export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
export const DEFAULT_QUERY_TIMEOUT_MS = 30_000;
/** How long after `statement_timeout` the kernel stops waiting for the server's answer. */
export const SERVER_ANSWER_GRACE_MS = 1000;

export interface PoolBounds {
  /** The schema this pool serves: `roa2web_kernel` or `plugin_<name>`, named in messages. */
  schema: string;
  poolMax: number;
  connectTimeoutMs: number;
  queryTimeoutMs: number;
}

/**
 * A wait on PostgreSQL that ran out. The message says which pool, which wait and the
 * setting to change, for the operator reading the log; it counts as a lost connection
 * (health/connection-errors.ts).
 */
export class DatabaseTimeoutError extends Error {
  readonly code = "DATABASE_TIMEOUT";

  constructor(
    readonly kind: DatabaseTimeoutKind,
    readonly schema: string,
    readonly timeoutMs: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "DatabaseTimeoutError";
  }
}

function timeoutError(
  kind: DatabaseTimeoutKind,
  bounds: PoolBounds,
  cause?: unknown,
): DatabaseTimeoutError {
  const { schema } = bounds;
  switch (kind) {
    case "connect":
      return new DatabaseTimeoutError(
        kind,
        schema,
        bounds.connectTimeoutMs,
        `PostgreSQL did not accept a connection for ${schema} within ${bounds.connectTimeoutMs} ms (DATABASE_CONNECT_TIMEOUT_MS): the server hangs or the network drops packets`,
        { cause },
      );
    case "pool":
      return new DatabaseTimeoutError(
        kind,
        schema,
        bounds.connectTimeoutMs,
        `No connection of ${schema}'s pool came free within ${bounds.connectTimeoutMs} ms (DATABASE_CONNECT_TIMEOUT_MS): all ${bounds.poolMax} (DATABASE_POOL_MAX) are busy — PostgreSQL hangs, or the pool is too small for the load`,
        { cause },
      );
    case "query": {
      const waited = bounds.queryTimeoutMs + SERVER_ANSWER_GRACE_MS;
      return new DatabaseTimeoutError(
        kind,
        schema,
        waited,
        `PostgreSQL did not answer a statement on ${schema} within ${waited} ms (DATABASE_QUERY_TIMEOUT_MS ${bounds.queryTimeoutMs} + ${SERVER_ANSWER_GRACE_MS} ms for the server's own cancel): the connection was closed, its transaction is not committed unless the lost statement was the COMMIT`,
      );
    }
  }
}

/** pg's own words for the two connect waits (pg-pool, pg's Client). */
function connectKind(error: unknown): DatabaseTimeoutKind | undefined {
  const message = (error as { message?: unknown } | null)?.message;
  if (typeof message !== "string") return undefined;
  if (message.startsWith("timeout exceeded when trying to connect")) return "pool";
  if (
    message.startsWith("Connection terminated due to connection timeout") ||
    message.startsWith("timeout expired")
  )
    return "connect";
  return undefined;
}

interface ClientInternals {
  _queryable: boolean;
  connection: {
    stream: { destroy(error?: Error): void };
    on(event: "readyForQuery", listener: (message: { status: string }) => void): void;
  };
}

/** Statements that change nothing, whatever became of them. */
const CHANGES_NOTHING =
  /^\s*(begin|start\s+transaction|rollback|abort|set|show|select|savepoint|release)\b/i;
const COMMITS = /^\s*(commit|end)\b/i;

/**
 * Whether a statement whose connection was lost before its answer may have changed the
 * database: a COMMIT (the server may have committed, then lost the way back), or a
 * change sent outside a transaction block (it commits by itself). One sent inside a
 * transaction never committed: the server rolls the transaction back when it finds the
 * connection gone. A SELECT that calls a function which writes is taken at its word.
 */
export function mayHaveCommitted(statement: string, inTransaction: boolean): boolean {
  if (COMMITS.test(statement)) return true;
  return !inTransaction && !CHANGES_NOTHING.test(statement);
}

/**
 * Marks `error` (the connection was lost) with `outcomeUnknown` when its statement may
 * have committed; the HTTP answer says so (http/database-gate.ts).
 */
function markOutcome(error: unknown, statement: string, inTransaction: boolean): void {
  if (typeof error !== "object" || error === null || !isConnectionLost(error)) return;
  if (mayHaveCommitted(statement, inTransaction))
    (error as { outcomeUnknown?: boolean }).outcomeUnknown = true;
}

// biome-ignore lint/suspicious/noExplicitAny: pg's query() has a dozen overloads
type AnyQuery = (...args: any[]) => any;

/**
 * A pg Client whose statements are bound by `queryTimeoutMs` (0: unbound). Only the
 * promise and callback forms TypeORM uses; a Submittable (cursor, stream) is unbound.
 */
function boundedClient(bounds: PoolBounds): typeof pg.Client {
  const query = pg.Client.prototype.query as AnyQuery;
  return class BoundedClient extends pg.Client {
    queryTimeoutMs = bounds.queryTimeoutMs + SERVER_ANSWER_GRACE_MS;
    /** The server's transaction status at its last ReadyForQuery: I (idle), T, E. */
    #status = "I";

    constructor(config?: string | pg.ClientConfig) {
      super(config);
      (this as unknown as ClientInternals).connection.on("readyForQuery", (message) => {
        this.#status = message.status;
      });
    }

    // biome-ignore lint/suspicious/noExplicitAny: see AnyQuery
    override query(...args: any[]): any {
      const statement = String(typeof args[0] === "string" ? args[0] : (args[0]?.text ?? ""));
      const inTransaction = this.#status !== "I";
      const limit = this.queryTimeoutMs;
      const timer = limit > 0 ? setTimeout(() => this.#hung(), limit) : undefined;
      const done = (error?: unknown) => {
        clearTimeout(timer);
        if (error) markOutcome(error, statement, inTransaction);
      };
      const last = args.length - 1;
      const callback = args[last];
      if (typeof callback === "function") {
        args[last] = (error: unknown, ...results: unknown[]) => {
          done(error);
          callback(error, ...results);
        };
        return query.apply(this, args);
      }
      const result = query.apply(this, args);
      // Registered before the caller's own handlers: the mark is there when they look.
      if (typeof result?.then === "function") result.then(() => done(), done);
      else done();
      return result;
    }

    /**
     * No answer: close the socket with the time-out as the error. pg fails this
     * statement and every one queued behind it with it, marks the client unusable and
     * tells its holder (TypeORM then hands it back with the error: the pool drops it).
     */
    #hung(): void {
      const internals = this as unknown as ClientInternals;
      internals._queryable = false;
      internals.connection.stream.destroy(timeoutError("query", bounds));
    }
  };
}

/**
 * pg's Pool with the bounds: its clients are `BoundedClient`s and a connect that runs
 * out says so as a `DatabaseTimeoutError`.
 */
function boundedPool(bounds: PoolBounds) {
  const connect = pg.Pool.prototype.connect as AnyQuery;
  const explain = (error: unknown) => {
    const kind = error ? connectKind(error) : undefined;
    return kind ? timeoutError(kind, bounds, error) : error;
  };
  return class BoundedPool extends pg.Pool {
    // biome-ignore lint/suspicious/noExplicitAny: pg's overloads
    override connect(...args: any[]): any {
      const callback = args[0];
      if (typeof callback === "function") {
        return connect.call(this, (error: unknown, client: unknown, release: unknown) =>
          callback(explain(error), client, release),
        );
      }
      return (connect.call(this) as Promise<pg.PoolClient>).catch((error: unknown) => {
        throw explain(error);
      });
    }
  };
}

/**
 * What TypeORM's `driver` option gets: the pg module with the bounded Pool in place of
 * its own (TypeORM builds the pool with `new driver.Pool(options)`), and the pool
 * options that go in `extra`.
 */
export function boundedPostgres(bounds: PoolBounds): {
  driver: typeof pg;
  extra: Record<string, unknown>;
} {
  const driver = Object.create(pg, {
    Pool: { value: boundedPool(bounds), enumerable: true },
  }) as typeof pg;
  return {
    driver,
    extra: {
      Client: boundedClient(bounds),
      connectionTimeoutMillis: bounds.connectTimeoutMs,
      // The server's own bound, sent at start-up: it cancels and answers 57014.
      statement_timeout: bounds.queryTimeoutMs,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    },
  };
}

interface UnboundableRunner {
  connect(): Promise<unknown>;
  query(sql: string): Promise<unknown>;
}

/**
 * Runs `work` inside the runner's open transaction with no statement time-out on either
 * side: `SET LOCAL statement_timeout = 0` ends with the transaction, the client-side
 * bound is put back after.
 */
export async function unbounded<T>(runner: UnboundableRunner, work: () => Promise<T>): Promise<T> {
  const client = (await runner.connect()) as { queryTimeoutMs?: number };
  const before = client.queryTimeoutMs;
  if (before !== undefined) client.queryTimeoutMs = 0;
  try {
    await runner.query("SET LOCAL statement_timeout = 0");
    return await work();
  } finally {
    if (before !== undefined) client.queryTimeoutMs = before;
  }
}
