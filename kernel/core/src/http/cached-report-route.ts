/**
 * Serves a plugin's cached report declaration (`defineCachedReport`, ADR 0020): the
 * company grant (403), the plugin's cache, and the answer's headers. An L1 hit with a
 * prepared context at hand is answered synchronously — the handler returns the body and
 * Fastify sends a returned non-promise at once (handle-request.js): no promise,
 * microtask or async frame per hit. Anything else awaits the context and the cache's
 * `wrap`. Both paths send the same bytes and headers: `X-Cache`, `Age`, an `ETag`
 * (304 to a client that holds it) and `Cache-Control: private, no-cache`.
 *
 * Each declaration route keeps a bounded LRU map from the request's raw URL (its query
 * string, as sent) to the query Fastify validated for it, copied and frozen, and its
 * company: a repeated query hands the declaration the SAME query object each time, so
 * the plugin's `prepare` can remember what it derived from it by identity (the reports
 * plugin hands back the same cache key string, already hashed). Only a query that
 * passed the schema and the declaration's `prepare` is remembered; the caller's company
 * grant is checked on every request, whoever asked before.
 */
import { createHash } from "node:crypto";
import {
  type AuthUser,
  type CachedReportDeclaration,
  type CachedReportRequest,
  type CacheService,
  type CacheSource,
  CompanyNotAllowedError,
  canSeeCompany,
  UnauthorizedError,
} from "@roa2web/plugin-sdk";
import { LRUCache } from "lru-cache";

/** The parts of a Fastify request and reply the handler uses (tests pass plain objects). */
export interface CachedReportHttpRequest {
  query: unknown;
  /** The raw URL, path and query string as sent: what the route remembers a query by. */
  url: string;
  user: AuthUser | null;
  id: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface CachedReportHttpReply {
  header(name: string, value: string | number): unknown;
  code(status: number): unknown;
  type(contentType: string): unknown;
  serialize(payload: unknown): string | ArrayBuffer | Buffer;
}

interface Cached {
  value: unknown;
  source: CacheSource;
  storedAt: number;
}

interface Serialised {
  /** UTF-8 bytes: Fastify sends a Buffer as it is (no schema serialisation, no encoding). */
  json: Buffer;
  etag: string;
}

/**
 * The JSON and ETag of each cached value, made once: an L1 hit hands out the very same
 * frozen object each time, so a hit neither re-serialises nor re-hashes it.
 */
const serialised = new WeakMap<object, Serialised>();

/** How many distinct query strings each declaration route remembers (least recently used go). */
export const REMEMBERED_QUERIES_MAX = 500;

/** A query string that passed the schema and `prepare` once: its frozen query and company. */
interface RememberedQuery {
  query: unknown;
  company: number;
  /** The declaration's `otherwise` never answers this query (`answersOtherwise`). */
  plain: boolean;
}

/** An L1 hit ready to send as it is: what the hit lane (cached-report-lane.ts) writes. */
export interface CachedReportHit {
  json: Buffer;
  etag: string;
  source: CacheSource;
  /** Whole seconds since the value was stored (the `Age` header). */
  age: number;
}

export type CachedReportHandler = (
  request: CachedReportHttpRequest,
  reply: CachedReportHttpReply,
) => unknown;

export interface ServedCachedReport extends CachedReportHandler {
  /** How many query strings the route remembers (tests: it stays bounded). */
  readonly rememberedQueries: number;
  /**
   * The answer to `url` for `user` when it is an L1 hit the route has sent before, with
   * no promise and nothing written: the route's own grant, `prepare` and key. Undefined
   * whenever the route would have to do more (an unknown query string, one `otherwise`
   * may answer, a company not granted, a context or value not at hand) — the hit lane
   * then routes the request as usual, and the route answers it.
   */
  hit(url: string, user: AuthUser): CachedReportHit | undefined;
}

export function serveCachedReport(
  declaration: CachedReportDeclaration<unknown, unknown, unknown>,
  cache: CacheService,
  maxRememberedQueries = REMEMBERED_QUERIES_MAX,
): ServedCachedReport {
  const { company, prepare, key, ttl, load, otherwise, answersOtherwise } = declaration;
  /** Whether `otherwise` may answer this query: always when the declaration does not say. */
  const mayAnswerOtherwise = (query: unknown): boolean =>
    otherwise !== undefined && (answersOtherwise === undefined || answersOtherwise(query));
  const remembered = new LRUCache<string, RememberedQuery>({ max: maxRememberedQueries });

  const computed = async (
    request: CachedReportHttpRequest,
    reply: CachedReportHttpReply,
    report: CachedReportRequest<unknown>,
    pending: unknown,
    fresh: RememberedQuery | undefined,
  ): Promise<Buffer | string> => {
    const context = await pending;
    // Prepared without an error: a query worth remembering.
    if (fresh !== undefined) remembered.set(request.url, fresh);
    const result = await cache.wrap(key(context, report), () => load(context, report), {
      ttlMs: ttl(context),
    });
    return send(request, reply, result);
  };

  const handler = (request: CachedReportHttpRequest, reply: CachedReportHttpReply) => {
    if (otherwise !== undefined && mayAnswerOtherwise(request.query)) {
      // (`otherwise !== undefined` again only so TypeScript knows it here.)
      const other = otherwise(request as never, reply as never);
      if (other !== undefined) return other;
    }
    const user = request.user;
    if (user === null) throw new UnauthorizedError();
    let known = remembered.get(request.url);
    let fresh: RememberedQuery | undefined;
    if (known === undefined) {
      // The query Fastify validated for this request, copied: the plugin may keep it.
      const query = Object.freeze({ ...(request.query as object) });
      known = fresh = { query, company: company(query), plain: !mayAnswerOtherwise(query) };
    }
    // Per request and per caller, remembered query or not.
    const companyId = known.company;
    if (!canSeeCompany(user, companyId)) {
      throw new CompanyNotAllowedError(companyId);
    }
    const report: CachedReportRequest<unknown> = { query: known.query, user };
    const context = prepare(report);
    if (context instanceof Promise) return computed(request, reply, report, context, fresh);
    if (fresh !== undefined) remembered.set(request.url, fresh);
    const hit = cache.peekL1(key(context, report));
    return hit === undefined
      ? computed(request, reply, report, context, undefined)
      : send(request, reply, hit);
  };
  const hit = (url: string, user: AuthUser): CachedReportHit | undefined => {
    const known = remembered.get(url);
    if (known === undefined || !known.plain) return undefined;
    if (!canSeeCompany(user, known.company)) return undefined;
    const report: CachedReportRequest<unknown> = { query: known.query, user };
    const context = prepare(report);
    if (context instanceof Promise) {
      // The route will prepare it again; this one's outcome is not wanted.
      context.catch(() => {});
      return undefined;
    }
    const cached = cache.peekL1<unknown>(key(context, report));
    if (cached === undefined) return undefined;
    const body = serialised.get(cached.value as object);
    if (body === undefined) return undefined;
    return { json: body.json, etag: body.etag, source: cached.source, age: ageOf(cached) };
  };
  Object.defineProperty(handler, "rememberedQueries", { get: () => remembered.size });
  return Object.assign(handler, { hit }) as ServedCachedReport;
}

function ageOf(cached: Cached): number {
  return cached.source === "MISS"
    ? 0
    : Math.max(0, Math.floor((Date.now() - cached.storedAt) / 1000));
}

function send(
  request: CachedReportHttpRequest,
  reply: CachedReportHttpReply,
  cached: Cached,
): Buffer | string {
  // Lower-case names: Fastify lower-cases every name it is given.
  reply.header("x-cache", cached.source);
  reply.header("age", ageOf(cached));
  const value = cached.value as object;
  let body = serialised.get(value);
  if (body === undefined) {
    const out = reply.serialize(value);
    const json = Buffer.isBuffer(out)
      ? out
      : out instanceof ArrayBuffer
        ? Buffer.from(out)
        : Buffer.from(out, "utf8");
    body = { json, etag: `"${createHash("sha1").update(json).digest("base64url")}"` };
    serialised.set(value, body);
  }
  reply.header("etag", body.etag);
  // Over the API's `no-store`: the browser may keep a report in its private cache, but
  // must revalidate it each time, which is what lets it send If-None-Match for a 304.
  reply.header("cache-control", "private, no-cache");
  reply.type("application/json; charset=utf-8");
  if (holdsEtag(request.headers["if-none-match"], body.etag)) {
    reply.code(304);
    return "";
  }
  return body.json;
}

/** Whether a request's `If-None-Match` names this ETag: the client holds the answer (304). */
export function holdsEtag(held: string | string[] | undefined, etag: string): boolean {
  return typeof held === "string" && held.split(/\s*,\s*/).includes(etag);
}
