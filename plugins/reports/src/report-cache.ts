/**
 * Serves any report definition through the kernel cache: the report's own checks
 * (400), the period resolution (403 without the grant, 404 for an unknown company),
 * the cache key and TTL, and the report's `load` on a miss. `prepare` answers
 * synchronously when the period is remembered, so the kernel can answer an L1 hit
 * without a promise (a cached report route is a `defineCachedReport` declaration).
 */
import type { CacheService, ErpClient } from "@roa2web/plugin-sdk";
import type { CachedReport, PeriodParams } from "@roa2web/reports-contract";
import { type CacheTtls, invalidationPrefixes, reportCacheKey, scopeKey } from "./cache-policy.js";
import { todayUtcClock } from "./period.js";
import {
  PeriodResolver,
  type PeriodSpan,
  type ReportCaller,
  type ResolvedReport,
} from "./period-resolver.js";
import type { KeyFilters, ReportDefinition } from "./reports/definition.js";

export interface ReportCacheOptions {
  erp: ErpClient;
  cache: CacheService;
  ttls: CacheTtls;
  /** Today as `YYYY-MM-DD`; replaceable in tests. */
  today?: () => string;
  /** The clock (ms since epoch) the resolution memo expires by; the kernel cache's by default. */
  now?: () => number;
}

// biome-ignore lint/suspicious/noExplicitAny: a definition of any report; each call site keeps its own types
export type AnyReportDefinition = ReportDefinition<any, any, any>;

export class ReportCache {
  readonly #erp: ErpClient;
  readonly #cache: CacheService;
  readonly #periods: PeriodResolver;

  constructor(options: ReportCacheOptions) {
    this.#erp = options.erp;
    this.#cache = options.cache;
    // Looked up per call, like the kernel cache's clock, so a test's fake Date is seen.
    const now = options.now ?? (() => Date.now());
    this.#periods = new PeriodResolver({
      erp: options.erp,
      cache: options.cache,
      ttls: options.ttls,
      now,
      today: options.today ?? todayUtcClock(now),
    });
  }

  /**
   * Validates the period, checks the caller's grant and the company. Exports call this
   * too, so they refuse exactly what the JSON reports refuse.
   */
  resolve(
    params: PeriodParams,
    caller: ReportCaller,
    span: PeriodSpan = "period",
  ): Promise<ResolvedReport> {
    return this.#periods.resolve(params, caller, span);
  }

  /** Forgets every resolved period (after a cache invalidation: the facts may be gone too). */
  forgetResolutions(): void {
    this.#periods.forget();
  }

  /**
   * Drops every cached report of one company (every report, period, filter and scope:
   * the keys start `<report>:<company>:`), e.g. when a receipt of it is approved; the
   * next request computes afresh. Answers how many entries went.
   */
  async dropCompany(company: number): Promise<number> {
    let removed = 0;
    for (const prefix of invalidationPrefixes(undefined, company)) {
      removed += await this.#cache.invalidatePrefix(prefix);
    }
    return removed;
  }

  /**
   * A request checked and keyed: the report's filters (400), the period (403 without
   * the grant, 404 for an unknown company), the cache key. Synchronous when the period
   * is remembered, so a cached hit is answered without a promise; a promise otherwise.
   */
  prepare<Params extends PeriodParams, Filters, Report>(
    report: ReportDefinition<Params, Filters, Report>,
    params: Params,
    caller: ReportCaller,
  ): PreparedReport<Filters> | Promise<PreparedReport<Filters>> {
    const filters = report.filters(params);
    const resolved = this.#periods.remembered(params, caller, report.span);
    if (resolved !== undefined) return prepared(report, params, caller, filters, resolved);
    return this.#periods
      .resolve(params, caller, report.span)
      .then((fresh) => prepared(report, params, caller, filters, fresh));
  }

  /** The report from the ERP, for a prepared request (on a cache miss). */
  load<Params extends PeriodParams, Filters, Report>(
    report: ReportDefinition<Params, Filters, Report>,
    params: Params,
    { filters, resolved }: PreparedReport<Filters>,
  ): Promise<Report> {
    return report.load(this.#erp, params, filters, resolved);
  }

  /** The report from the cache, or loaded and stored (the `reports.queries` service). */
  async serve<Params extends PeriodParams, Filters, Report>(
    report: ReportDefinition<Params, Filters, Report>,
    params: Params,
    caller: ReportCaller,
  ): Promise<CachedReport<Report>> {
    const ready = await this.prepare(report, params, caller);
    const result = await this.#cache.wrap(ready.key, () => this.load(report, params, ready), {
      ttlMs: ready.resolved.ttlMs,
    });
    return { report: result.value, source: result.source, storedAt: result.storedAt };
  }
}

/** A report request that passed every check, with its cache key. */
export interface PreparedReport<Filters> {
  filters: Filters;
  resolved: ResolvedReport;
  key: string;
}

function prepared<Params extends PeriodParams, Filters>(
  report: ReportDefinition<Params, Filters, unknown>,
  params: Params,
  caller: ReportCaller,
  filters: Filters,
  resolved: ResolvedReport,
): PreparedReport<Filters> {
  const key = cacheKeyOf(report, params, caller, resolved, report.keyFilters(params, filters));
  return { filters, resolved, key };
}

/**
 * A report's cache key, once its period is resolved. The as-of date changes an open
 * period's answer from one day to the next. (First, and the definitions list their
 * filters by name: then the key needs no sort.)
 */
function cacheKeyOf(
  report: AnyReportDefinition,
  params: PeriodParams,
  caller: ReportCaller,
  resolved: ResolvedReport,
  filters: KeyFilters,
): string {
  return reportCacheKey({
    report: report.name,
    company: params.company,
    from: resolved.period.from,
    to: resolved.period.to,
    filters: { as_of: resolved.view.as_of, ...filters },
    scope: scopeKey(caller.companies),
  });
}
