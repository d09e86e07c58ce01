/**
 * The handler every cached report route shares, made from the report's definition. An
 * L1 hit (the period remembered, the report in the kernel cache's L1) is answered
 * synchronously: the handler returns the body and Fastify sends a returned non-promise
 * value at once (handle-request.js), so a hit costs no promise, microtask or async
 * frame. Anything else (a new period, an L1 miss, L2, a computation) takes `serve`.
 * Both paths check the caller's grant, key by the caller's scope and send the same
 * headers and body through `withCacheHeaders`.
 */
import { callerOf } from "./access.js";
import { type ReportReply, withCacheHeaders } from "./cache-headers.js";
import type { PeriodParams } from "./contract.js";
import type { ReportCache } from "./report-cache.js";
import type { ReportDefinition } from "./reports/definition.js";

export interface ReportRequest<Query> {
  query: Query;
  user: Parameters<typeof callerOf>[0]["user"];
  headers: Record<string, string | string[] | undefined>;
}

export type ReportSource = Pick<ReportCache, "peek" | "serve">;

export function cachedReportHandler<Query extends PeriodParams, Filters, Report>(
  reports: ReportSource,
  report: ReportDefinition<Query, Filters, Report>,
): (
  request: ReportRequest<Query>,
  reply: ReportReply,
) => Buffer | string | Promise<Buffer | string> {
  const served = async (
    request: ReportRequest<Query>,
    reply: ReportReply,
  ): Promise<Buffer | string> =>
    withCacheHeaders(request, reply, await reports.serve(report, request.query, callerOf(request)));
  // Not async: what peek throws (a 400 or 403) reaches Fastify's try/catch around the
  // handler, which sends it through the error handler as a rejection would be.
  return (request, reply) => {
    const hit = reports.peek(report, request.query, callerOf(request));
    return hit === undefined ? served(request, reply) : withCacheHeaders(request, reply, hit);
  };
}
