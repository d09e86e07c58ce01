/**
 * What a report request's company and period resolve to: the dates, the as-of date, the
 * company's code and name, whether every month is closed and so the TTL. Checks the
 * caller's grant (403, before existence, so a limited caller learns nothing about other
 * ids) and the company (404). Remembered per input for as long as the company's period
 * facts are cached, so a cached report neither re-parses dates nor re-reads the facts.
 */
import {
  type AuthUser,
  assertCanSeeCompany,
  type CacheService,
  type ErpClient,
} from "@roa2web/plugin-sdk";
import type { PeriodParams, ReportPeriodView } from "@roa2web/reports-contract";
import { type CacheTtls, chooseTtl } from "./cache-policy.js";
import { UnknownCompanyError } from "./errors.js";
import { addDays, addMonths, asOfDate, parsePeriod, type ReportPeriod } from "./period.js";
import { companyPeriodFacts } from "./queries/company.js";
import { type PeriodSpan, type Remembered, ResolutionMemo } from "./resolution-memo.js";

export type { PeriodSpan, Remembered } from "./resolution-memo.js";

/**
 * Whose data scope a report is read in: the companies the caller may see. A signed-in
 * user is one (no object per request); so is a service caller's user.
 */
export type ReportCaller = Pick<AuthUser, "companies">;

/** A report request that passed validation, the grant and the company checks. */
export interface ResolvedReport {
  period: ReportPeriod;
  view: ReportPeriodView;
  asOfUntil: string;
  ttlMs: number;
  company: { id: number; code: string; name: string };
}

/** How long whether a company exists and which of its months are closed is reused. */
export const PERIOD_FACTS_TTL_MS = 60_000;

/** How many months the dashboard's series covers, ending with the period's last month. */
export const SERIES_MONTHS = 12;

export interface PeriodResolverOptions {
  erp: ErpClient;
  cache: CacheService;
  ttls: CacheTtls;
  /** Today as `YYYY-MM-DD` (UTC), read per call. */
  today: () => string;
  /** The clock (ms since epoch) the memo expires by, read per call. */
  now: () => number;
}

/** Months since year 0: `2026-03` → 24314. */
function monthIndex(month: string): number {
  return Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
}

/** The first month of the dashboard's 12-month series. */
function seriesStart(period: ReportPeriod): string {
  return addMonths(period.to.slice(0, 7), 1 - SERIES_MONTHS);
}

export class PeriodResolver {
  readonly #erp: ErpClient;
  readonly #cache: CacheService;
  readonly #ttls: CacheTtls;
  readonly #today: () => string;
  readonly #now: () => number;
  /** Resolved periods, kept exactly as long as the period facts they came from. */
  readonly #memo = new ResolutionMemo<ResolvedReport>();

  constructor(options: PeriodResolverOptions) {
    this.#erp = options.erp;
    this.#cache = options.cache;
    this.#ttls = options.ttls;
    this.#today = options.today;
    this.#now = options.now;
  }

  /**
   * `span` "series" widens the range whose closed state decides the TTL (the
   * dashboard's 12-month series reaches back before the period).
   */
  async resolve(
    params: PeriodParams,
    caller: ReportCaller,
    span: PeriodSpan = "period",
  ): Promise<ResolvedReport> {
    return this.remembered(params, caller, span) ?? this.#resolveAfresh(params, caller, span);
  }

  /**
   * The memo's answer, synchronously, after the caller's grant check (which never comes
   * from the memo); `undefined` when not remembered. Only inputs that once resolved are
   * remembered, so a remembered input would not have failed validation or existence.
   */
  remembered(
    params: PeriodParams,
    caller: ReportCaller,
    span: PeriodSpan = "period",
  ): ResolvedReport | undefined {
    return this.rememberedEntry(params, caller, span)?.value;
  }

  /** Like `remembered`, the memo's entry, which `isLive` checks later without a look-up. */
  rememberedEntry(
    params: PeriodParams,
    caller: ReportCaller,
    span: PeriodSpan = "period",
  ): Remembered<ResolvedReport> | undefined {
    const entry = this.#memo.entry(params, span, this.#today(), this.#now());
    if (entry !== undefined) assertCanSeeCompany(caller.companies, params.company);
    return entry;
  }

  /** Whether a remembered entry would still be answered (the grant is the caller's to check). */
  isLive(entry: Remembered<ResolvedReport>): boolean {
    return this.#memo.isLive(entry, this.#today(), this.#now());
  }

  /** Forgets every resolved period (after a cache invalidation: the facts may be gone too). */
  forget(): void {
    this.#memo.clear();
  }

  async #resolveAfresh(
    params: PeriodParams,
    caller: ReportCaller,
    span: PeriodSpan,
  ): Promise<ResolvedReport> {
    const period = parsePeriod(params);
    assertCanSeeCompany(caller.companies, params.company);
    const first = (span === "series" ? seriesStart(period) : period.from).slice(0, 7);
    const last = period.to.slice(0, 7);
    const monthCount = monthIndex(last) - monthIndex(first) + 1;
    const yyyymm = (month: string) => Number(month.replace("-", ""));
    const firstMonthKey = yyyymm(first);
    const lastMonthKey = yyyymm(last);
    // Whether the company exists and which months are closed decide the answer's
    // freshness before the report's own cache is asked: kept for a minute, so a cached
    // report answers without an ERP round trip (a period closed meanwhile is seen
    // within that minute).
    const today = this.#today();
    const { value: facts, storedAt } = await this.#cache.wrap(
      `facts:${params.company}:${firstMonthKey}..${lastMonthKey}`,
      () =>
        companyPeriodFacts(this.#erp, {
          company: params.company,
          firstMonth: firstMonthKey,
          lastMonth: lastMonthKey,
        }),
      { ttlMs: PERIOD_FACTS_TTL_MS },
    );
    if (!facts.exists) throw new UnknownCompanyError(params.company);
    const closed = facts.closedMonths === monthCount;
    const asOf = asOfDate(period, today);
    // Shared by every request the memo answers: frozen, like the cache's values.
    const resolved: ResolvedReport = Object.freeze({
      period: Object.freeze(period),
      view: Object.freeze({
        from: period.from,
        to: period.to,
        label: period.label,
        as_of: asOf,
        closed,
      }),
      asOfUntil: addDays(asOf, 1),
      ttlMs: chooseTtl(closed, this.#ttls),
      company: Object.freeze({ id: params.company, code: facts.code, name: facts.name }),
    });
    // Until the facts' own entry expires (the same rule: alive while now <= expiry).
    this.#memo.set(params, span, resolved, today, storedAt + PERIOD_FACTS_TTL_MS);
    return resolved;
  }
}
