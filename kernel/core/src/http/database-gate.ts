/**
 * While the kernel's PostgreSQL is lost (health/database-watch.ts), every write —
 * POST, PUT, PATCH, DELETE, sign-in included, since it writes a refresh token — answers
 * 503 `DATABASE_UNAVAILABLE` with `Retry-After` before its handler runs, so nothing is
 * half-done and nobody waits on a dead pool; reads carry on (a cached report needs no
 * database, one that does fails with the same 503). A request whose query lost the
 * connection mid-way answers the same 503 instead of a 500 (error-handler.ts asks
 * `answerIfDatabaseLost`); its transaction never committed — unless the statement lost
 * was the COMMIT itself, or a change outside a transaction (database/postgres-pool.ts
 * marks those): then the answer says the change may or may not have been saved
 * (`details.saved: "unknown"`, ADR 0039). On SQLite nothing here applies: the watch is
 * never `lost` there.
 */
import { RoaError } from "@roa2web/plugin-sdk";
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
  RouteOptions,
} from "fastify";
import { someInChain } from "../health/connection-errors.js";
import type { DatabaseWatch } from "../health/database-watch.js";

/** Seconds a client is told to wait: the watch tries the database every second. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

const WRITES = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export class DatabaseUnavailableAnswer extends RoaError {
  constructor(cause?: unknown, outcomeUnknown = false) {
    super(
      "DATABASE_UNAVAILABLE",
      503,
      outcomeUnknown
        ? "The database stopped answering before it confirmed this change, so it may or may not have been saved: check before you try again"
        : "The database cannot be reached right now, so nothing was saved: try again in a few seconds",
      {
        details: {
          retry_after_seconds: DATABASE_RETRY_AFTER_SECONDS,
          ...(outcomeUnknown ? { saved: "unknown" } : {}),
        },
        ...(cause === undefined ? {} : { cause }),
      },
    );
  }
}

/** True when `error` or what it wraps is marked as a change that may have committed. */
function outcomeUnknown(error: unknown): boolean {
  return someInChain(
    error,
    (current) => (current as { outcomeUnknown?: unknown }).outcomeUnknown === true,
  );
}

function routeMethods(route: RouteOptions): string[] {
  return Array.isArray(route.method) ? route.method : [route.method];
}

/** Adds the refusal to every route that takes a write method (reads pay nothing). */
export function installDatabaseGate(app: FastifyInstance, watch: DatabaseWatch): void {
  if (watch.engine !== "postgres") return;
  const refuseWhileLost = (
    request: FastifyRequest,
    reply: FastifyReply,
    done: HookHandlerDoneFunction,
  ) => {
    if (watch.lost && WRITES.has(request.method)) {
      reply.header("retry-after", String(DATABASE_RETRY_AFTER_SECONDS));
      done(new DatabaseUnavailableAnswer());
      return;
    }
    done();
  };
  app.addHook("onRoute", (route) => {
    if (!routeMethods(route).some((method) => WRITES.has(method))) return;
    const existing =
      route.onRequest === undefined
        ? []
        : Array.isArray(route.onRequest)
          ? route.onRequest
          : [route.onRequest];
    route.onRequest = [...existing, refuseWhileLost] as RouteOptions["onRequest"];
  });
}

/**
 * For the error handler: a failure that says the database connection is gone (and tells
 * the watch) becomes the 503 a refused write gets. Undefined for any other error.
 */
export function answerIfDatabaseLost(
  watch: DatabaseWatch | undefined,
  error: unknown,
  reply: FastifyReply,
): DatabaseUnavailableAnswer | undefined {
  if (!watch?.failed(error)) return undefined;
  reply.header("retry-after", String(DATABASE_RETRY_AFTER_SECONDS));
  const write = WRITES.has(reply.request.method);
  return new DatabaseUnavailableAnswer(error, write && outcomeUnknown(error));
}
