/**
 * Serves any report definition through the kernel cache: the report's own checks
 * (400), the period resolution (403 without the grant, 404 for an unknown company),
 * the cache key and TTL, and the report's `load` on a miss. `prepare` answers
 * synchronously when the period is remembered, so the kernel can answer an L1 hit
 * without a promise (a cached report route is a `defineCachedReport` declaration).
 */
import { assertCanSeeCompany, type CacheService, type ErpClient } from "@roa2web/plugin-sdk";
import type { CachedReport, PeriodParams } from "@roa2web/reports-contract";
import { type CacheTtls, invalidationPrefixes, reportCacheKey, scopeKey } from "./cache-policy.js";
import { todayUtcClock } from "./period.js";
import {
  PeriodResolver,
  type PeriodSpan,
  type Remembered,
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

/**
 * What a frozen query (the kernel hands the same one for the same query string) was
 * prepared into: its filters, the remembered period it resolved to, and the prepared
 * request per data scope — so a repeated request builds no key and hashes no string.
 */
interface QueryPreparation {
  report: AnyReportDefinition;
  filters: unknown;
  /** The period memo's entry these were made from: checked live on every request. */
  resolution: Remembered<ResolvedReport>;
  /** For callers who see every company. */
  all: PreparedReport<unknown> | undefined;
  /** By the caller's frozen company list (one per signed-in user). */
  scoped: WeakMap<readonly number[], PreparedReport<unknown>>;
}

export class ReportCache {
  readonly #erp: ErpClient;
  readonly #cache: CacheService;
  readonly #periods: PeriodResolver;
  readonly #prepared = new WeakMap<object, QueryPreparation>();

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
    const known = this.#prepared.get(params);
    if (known !== undefined && known.report === report && this.#periods.isLive(known.resolution)) {
      // The grant is the caller's, never the memo's: checked on every request.
      assertCanSeeCompany(caller.companies, params.company);
      const companies = caller.companies;
      const ready = companies === "*" ? known.all : known.scoped.get(companies);
      if (ready !== undefined) return ready as PreparedReport<Filters>;
      const made = prepared(
        report,
        params,
        caller,
        known.filters as Filters,
        known.resolution.value,
      );
      if (companies === "*") known.all = made;
      else if (Object.isFrozen(companies)) known.scoped.set(companies, made);
      return made;
    }
    const filters = report.filters(params);
    const entry = this.#periods.rememberedEntry(params, caller, report.span);
    if (entry !== undefined) {
      const made = prepared(report, params, caller, filters, entry.value);
      this.#remember(report, params, caller, filters, entry, made);
      return made;
    }
    return this.#periods
      .resolve(params, caller, report.span)
      .then((fresh) => prepared(report, params, caller, filters, fresh));
  }

  /** Only a frozen query is remembered by identity: nobody can change it afterwards. */
  #remember(
    report: AnyReportDefinition,
    params: object,
    caller: ReportCaller,
    filters: unknown,
    resolution: Remembered<ResolvedReport>,
    made: PreparedReport<unknown>,
  ): void {
    if (!Object.isFrozen(params)) return;
    const known: QueryPreparation = {
      report,
      filters,
      resolution,
      all: undefined,
      scoped: new WeakMap(),
    };
    if (caller.companies === "*") known.all = made;
    else if (Object.isFrozen(caller.companies)) known.scoped.set(caller.companies, made);
    this.#prepared.set(params, known);
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
