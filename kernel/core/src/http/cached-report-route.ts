/**
 * Serves a plugin's cached report declaration (`defineCachedReport`, ADR 0020): the
 * company grant (403), the plugin's cache, and the answer's headers. An L1 hit with a
 * prepared context at hand is answered synchronously — the handler returns the body and
 * Fastify sends a returned non-promise at once (handle-request.js): no promise,
 * microtask or async frame per hit. Anything else awaits the context and the cache's
 * `wrap`. Both paths send the same bytes and headers: `X-Cache`, `Age`, an `ETag`
 * (304 to a client that holds it) and `Cache-Control: private, no-cache`.
 */
import { createHash } from "node:crypto";
import {
  type AuthUser,
  type CachedReportDeclaration,
  type CachedReportRequest,
  type CacheService,
  type CacheSource,
  CompanyNotAllowedError,
  UnauthorizedError,
} from "@roa2web/plugin-sdk";

/** The parts of a Fastify request and reply the handler uses (tests pass plain objects). */
export interface CachedReportHttpRequest {
  query: unknown;
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

export type CachedReportHandler = (
  request: CachedReportHttpRequest,
  reply: CachedReportHttpReply,
) => unknown;

export function serveCachedReport(
  declaration: CachedReportDeclaration<unknown, unknown, unknown>,
  cache: CacheService,
): CachedReportHandler {
  const { company, prepare, key, ttl, load, otherwise } = declaration;

  const computed = async (
    request: CachedReportHttpRequest,
    reply: CachedReportHttpReply,
    report: CachedReportRequest<unknown>,
    pending: unknown,
  ): Promise<Buffer | string> => {
    const context = await pending;
    const result = await cache.wrap(key(context, report), () => load(context, report), {
      ttlMs: ttl(context),
    });
    return send(request, reply, result);
  };

  return (request, reply) => {
    if (otherwise !== undefined) {
      const other = otherwise(request as never, reply as never);
      if (other !== undefined) return other;
    }
    const user = request.user;
    if (user === null) throw new UnauthorizedError();
    const companyId = company(request.query);
    if (user.companies !== "*" && !user.companies.includes(companyId)) {
      throw new CompanyNotAllowedError(companyId);
    }
    const report: CachedReportRequest<unknown> = { query: request.query, user };
    const context = prepare(report);
    if (context instanceof Promise) return computed(request, reply, report, context);
    const hit = cache.peekL1(key(context, report));
    return hit === undefined
      ? computed(request, reply, report, context)
      : send(request, reply, hit);
  };
}

function send(
  request: CachedReportHttpRequest,
  reply: CachedReportHttpReply,
  cached: Cached,
): Buffer | string {
  // Lower-case names: Fastify lower-cases every name it is given.
  reply.header("x-cache", cached.source);
  reply.header(
    "age",
    cached.source === "MISS" ? 0 : Math.max(0, Math.floor((Date.now() - cached.storedAt) / 1000)),
  );
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
  const held = request.headers["if-none-match"];
  if (typeof held === "string" && held.split(/\s*,\s*/).includes(body.etag)) {
    reply.code(304);
    return "";
  }
  return body.json;
}
