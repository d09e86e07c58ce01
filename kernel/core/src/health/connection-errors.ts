/**
 * Tells "PostgreSQL cannot be reached" from every other database error. A write that
 * fails because the server is gone or hangs (refused, reset, terminated, or one of the
 * pool's time-outs ran out: postgres-pool.ts, ADR 0039) answers 503
 * and makes the kernel refuse writes until the database answers again
 * (database-watch.ts); a unique violation, a syntax error or a failed CHECK is the
 * request's own fault or a bug and stays what it was. SQLite errors never match: a
 * file database has no connection to lose.
 */

/** Node's socket errors on the way to the server (refused, reset, unreachable, DNS). */
const SOCKET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "ENETUNREACH",
  "ENETDOWN",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/**
 * SQLSTATEs that mean the session is gone or cannot start: class 08 (connection
 * exception), the server shutting down or terminating the backend (57P01–57P03), and
 * "too many connections" (53300), which a write cannot wait out either.
 */
function sqlStateLost(code: string): boolean {
  return (
    code.startsWith("08") ||
    code === "57P01" ||
    code === "57P02" ||
    code === "57P03" ||
    code === "53300"
  );
}

/**
 * What node-postgres throws without a code when the socket ends under it, when a
 * connect waits longer than `connectionTimeoutMillis` — for a new connection, or for one
 * of a full pool (ADR 0039: a request that cannot get a connection within
 * DATABASE_CONNECT_TIMEOUT_MS is refused like one whose server is gone) — and when its
 * own `query_timeout` runs out.
 */
const PG_MESSAGES = [
  "Connection terminated",
  "connection timeout",
  "timeout expired",
  "timeout exceeded when trying to connect",
  "Query read timeout",
  "Client has encountered a connection error and is not queryable",
  "Client was closed and is not queryable",
];

function lostHere(error: object): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === "string") {
    // A time-out of the kernel's own pools (database/postgres-pool.ts).
    if (code === "DATABASE_TIMEOUT") return true;
    if (SOCKET_CODES.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code) && sqlStateLost(code)) return true;
  }
  return typeof message === "string" && PG_MESSAGES.some((text) => message.startsWith(text));
}

/**
 * True when `test` holds for `error` or anything it wraps: TypeORM's `driverError`, a
 * `cause`, an AggregateError's `errors` (a pool that tried IPv4 and IPv6).
 */
export function someInChain(error: unknown, test: (error: object) => boolean): boolean {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const current = queue.shift();
    if (typeof current !== "object" || current === null || seen.has(current)) continue;
    seen.add(current);
    if (test(current)) return true;
    const { driverError, cause, errors } = current as {
      driverError?: unknown;
      cause?: unknown;
      errors?: unknown;
    };
    queue.push(driverError, cause);
    if (Array.isArray(errors)) queue.push(...errors);
  }
  return false;
}

/**
 * True when `error` — or what it wraps — says the PostgreSQL server could not be
 * reached or dropped the connection.
 */
export function isConnectionLost(error: unknown): boolean {
  return someInChain(error, lostHere);
}
