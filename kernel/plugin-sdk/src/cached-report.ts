/**
 * A cached report route as one declaration: what company it reads, how a request is
 * checked and prepared, its cache key, TTL and key prefixes (tags), and how the report
 * is loaded on a miss. The kernel serves it — the company grant (403), the cache
 * (a synchronous answer on an L1 hit), `X-Cache`, `Age`, `ETag` with 304, and
 * `Cache-Control` — so a plugin's report route holds no plumbing of its own:
 *
 * ```ts
 * app.get("/dashboard", { config: { access: "reports:read" }, schema },
 *   defineCachedReport({ company: (q) => q.company, prepare, key, ttl, load }));
 * ```
 *
 * See docs/adr/0020-cached-report-declaration.md.
 */
import type { FastifyReply } from "fastify";
import type { AuthUser } from "./auth.js";

/** What the kernel hands every part of a declaration besides the prepared context. */
export interface CachedReportRequest<Query> {
  query: Query;
  /** The signed-in caller (a cached report route always declares a permission). */
  user: AuthUser;
}

export interface CachedReportDeclaration<Query, Context, Report> {
  /** The company the request reads: the kernel answers 403 unless the caller is granted it. */
  company(query: Query): number;
  /**
   * Checks the query beyond its schema (throw a 400/404 error from the catalogue) and
   * prepares what `key`, `ttl` and `load` need. Return the context itself when it is
   * at hand (remembered): then an L1 hit is answered without a promise. The kernel
   * hands the same frozen `query` object for the same query string once one passed
   * (schema and `prepare`), so what is derived from it may be remembered by identity
   * (a `WeakMap`) — but never the caller's grant: `request.user` changes per request.
   */
  prepare(request: CachedReportRequest<Query>): Context | Promise<Context>;
  /** The cache key: everything that changes the answer. */
  key(context: Context, request: CachedReportRequest<Query>): string;
  /** How long a computed answer is kept (ms). */
  ttl(context: Context): number;
  /** Computes the report on a miss; the kernel freezes and caches what it returns. */
  load(context: Context, request: CachedReportRequest<Query>): Promise<Report>;
  /**
   * Answers the request some other way (a file download, say) when it returns a value
   * other than `undefined`; checked first, before the grant and the cache.
   */
  otherwise?(
    request: { query: Query; user: AuthUser | null; id: string },
    reply: FastifyReply,
  ): unknown;
  /**
   * Whether `otherwise` may answer this query, decided from the query alone (say, a
   * `format` asking for a file). Declare it with `otherwise`: the kernel then calls
   * `otherwise` only for the queries it says yes to, and answers the cache hits of the
   * others before routing (ADR 0038). Without it, every request of the route is
   * routed in full, as `otherwise` might answer any of them.
   */
  answersOtherwise?(query: Query): boolean;
}

const DECLARATION = Symbol.for("roa2web.cachedReport");

/**
 * A route handler that carries its declaration. The kernel replaces it with the served
 * handler when the route is registered; called directly (outside a kernel), it throws.
 */
export type CachedReportRoute<Query> = ((request: { query: Query }) => never) & {
  readonly [DECLARATION]: CachedReportDeclaration<Query, unknown, unknown>;
};

export function defineCachedReport<Query, Context, Report>(
  declaration: CachedReportDeclaration<Query, Context, Report>,
): CachedReportRoute<Query> {
  const placeholder = () => {
    throw new Error("A cached report route is served by the roa2web kernel, not called directly");
  };
  return Object.assign(placeholder, {
    [DECLARATION]: declaration as CachedReportDeclaration<Query, unknown, unknown>,
  });
}

/** The declaration a route handler carries, if it is a cached report route (for the kernel). */
export function cachedReportDeclarationOf(
  handler: unknown,
): CachedReportDeclaration<unknown, unknown, unknown> | undefined {
  if (typeof handler !== "function") return undefined;
  return (handler as Partial<CachedReportRoute<unknown>>)[DECLARATION] as
    | CachedReportDeclaration<unknown, unknown, unknown>
    | undefined;
}
