/**
 * The handler every cached report route shares. An L1 hit (the period in the report
 * service's memo, the report in the kernel cache's L1) is answered synchronously: the
 * handler returns the body and Fastify sends a returned non-promise value at once
 * (handle-request.js), so a hit costs no promise, microtask or async frame. Anything
 * else (a new period, an L1 miss, L2, a computation) takes the report's async method.
 * Both paths check the caller's grant, key by the caller's scope and send the same
 * headers and body through `withCacheHeaders`.
 */
import { callerOf } from "./access.js";
import { type ReportReply, withCacheHeaders } from "./cache-headers.js";
import type { CachedReport, ReportCaller } from "./contract.js";

export interface ReportRequest<Query> {
  query: Query;
  user: Parameters<typeof callerOf>[0]["user"];
  headers: Record<string, string | string[] | undefined>;
}

export function cachedReportHandler<Query, T>(
  /** The report from memory without awaiting, or `undefined`. */
  peek: (query: Query, caller: ReportCaller) => CachedReport<T> | undefined,
  /** The report by the async path: resolves, reads L2 or computes. */
  serve: (query: Query, caller: ReportCaller) => Promise<CachedReport<T>>,
): (
  request: ReportRequest<Query>,
  reply: ReportReply,
) => Buffer | string | Promise<Buffer | string> {
  const served = async (
    request: ReportRequest<Query>,
    reply: ReportReply,
    caller: ReportCaller,
  ): Promise<Buffer | string> =>
    withCacheHeaders(request, reply, await serve(request.query, caller));
  // Not async: what peek throws (a 400 or 403) reaches Fastify's try/catch around the
  // handler, which sends it through the error handler as a rejection would be.
  return (request, reply) => {
    const caller = callerOf(request);
    const hit = peek(request.query, caller);
    return hit === undefined
      ? served(request, reply, caller)
      : withCacheHeaders(request, reply, hit);
  };
}
