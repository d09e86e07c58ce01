/**
 * Serves any report definition through the kernel cache: the report's own checks
 * (400), the period resolution (403 without the grant, 404 for an unknown company),
 * the cache key and TTL, and the report's `load` on a miss. `peek` answers the same
 * question synchronously when both the period and the report are in memory.
 */
import type { CacheService, ErpClient } from "@roa2web/plugin-sdk";
import { type CacheTtls, reportCacheKey, scopeKey } from "./cache-policy.js";
import type { CachedReport, PeriodParams, ReportCaller } from "./contract.js";
import { todayUtcClock } from "./period.js";
import { PeriodResolver, type PeriodSpan, type ResolvedReport } from "./period-resolver.js";
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

  /** The report from the cache, or loaded and stored. */
  async serve<Params extends PeriodParams, Filters, Report>(
    report: ReportDefinition<Params, Filters, Report>,
    params: Params,
    caller: ReportCaller,
  ): Promise<CachedReport<Report>> {
    const filters = report.filters(params);
    const resolved = await this.#periods.resolve(params, caller, report.span);
    const key = cacheKeyOf(report, params, caller, resolved, report.keyFilters(params, filters));
    const result = await this.#cache.wrap(
      key,
      () => report.load(this.#erp, params, filters, resolved),
      { ttlMs: resolved.ttlMs },
    );
    return { report: result.value, source: result.source, storedAt: result.storedAt };
  }

  /**
   * The answer `serve` would give, when it is already at hand: the period remembered and
   * the report in the cache's L1. Synchronous, so an L1 hit costs no promise;
   * `undefined` otherwise (nothing is read or computed: the caller takes `serve`).
   * Refuses what `serve` refuses first (400 for bad filters, 403 for a remembered
   * period without the grant), and keys alike.
   */
  peek<Params extends PeriodParams, Filters, Report>(
    report: ReportDefinition<Params, Filters, Report>,
    params: Params,
    caller: ReportCaller,
  ): CachedReport<Report> | undefined {
    const filters = report.filters(params);
    const resolved = this.#periods.remembered(params, caller, report.span);
    if (resolved === undefined) return undefined;
    const hit = this.#cache.peekL1<Report>(
      cacheKeyOf(report, params, caller, resolved, report.keyFilters(params, filters)),
    );
    return hit && { report: hit.value, source: hit.source, storedAt: hit.storedAt };
  }
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

/** The name under which `start` registers the report cache for the route modules. */
export const REPORT_CACHE = "reportCache";
