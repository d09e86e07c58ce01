/**
 * The reports, answered through the kernel cache: checks the caller's company grant
 * (403), the company (404) and the parameters (400), builds the cache key and TTL,
 * and runs the queries on a miss. The routes and the `reports.queries` service both
 * call this, so HTTP and the Telegram bot see the same numbers.
 */
import type { CacheService, ErpClient } from "@roa2web/plugin-sdk";
import { ageOutstanding, fromBani, toBani } from "./aging.js";
import {
  type CacheTtls,
  chooseTtl,
  type ReportName,
  reportCacheKey,
  scopeKey,
} from "./cache-policy.js";
import type {
  AgingParams,
  AgingReport,
  CachedReport,
  DashboardReport,
  InvoiceItem,
  InvoiceList,
  InvoiceParams,
  PeriodParams,
  ReportCaller,
  ReportPeriodView,
  ReportQueries,
  TreasuryFigures,
  TreasuryParams,
  TreasuryReport,
  TrialBalanceParams,
  TrialBalanceReport,
} from "./contract.js";
import { CompanyNotGrantedError, InvalidParameterError, UnknownCompanyError } from "./errors.js";
import { pageInfo, pageRequest, pageWindow } from "./pagination.js";
import {
  addDays,
  addMonths,
  asOfDate,
  checkDate,
  daysBetween,
  monthsEndingWith,
  parsePeriod,
  type ReportPeriod,
  todayUtcClock,
} from "./period.js";
import { companyPeriodFacts } from "./queries/company.js";
import { monthlyTurnover, periodTurnover, treasuryBalances } from "./queries/dashboard.js";
import {
  INVOICE_SORT_COLUMNS,
  type InvoicePageParams,
  invoicePage,
  openInvoicesByDueDate,
} from "./queries/invoices.js";
import { treasuryAccounts, treasuryMovementPage } from "./queries/treasury.js";
import { accountNames, accountTurnovers } from "./queries/trial-balance.js";
import { type PeriodSpan, ResolutionMemo } from "./resolution-memo.js";
import { sortOrder } from "./sorting.js";
import { buildTrialBalance } from "./trial-balance-rules.js";

const INVOICE_TYPES = ["client", "supplier"];
const INVOICE_STATUSES = ["paid", "unpaid", "overdue"];
const SERIES_MONTHS = 12;

/** A report request that passed validation, the grant and the company checks. */
export interface ResolvedReport {
  period: ReportPeriod;
  view: ReportPeriodView;
  asOfUntil: string;
  ttlMs: number;
  company: { id: number; code: string; name: string };
}

export interface ReportServiceOptions {
  erp: ErpClient;
  cache: CacheService;
  ttls: CacheTtls;
  /** Today as `YYYY-MM-DD`; replaceable in tests. */
  today?: () => string;
  /** The clock (ms since epoch) the resolution memo expires by; the kernel cache's by default. */
  now?: () => number;
}

/** Months since year 0: `2026-03` → 24314. */
function monthIndex(month: string): number {
  return Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
}

/** How long whether a company exists and which of its months are closed is reused. */
export const PERIOD_FACTS_TTL_MS = 60_000;

/** The dashboard has no filters of its own: one frozen object for every request. */
const NO_FILTERS: Readonly<Record<string, undefined>> = Object.freeze({});

type KeyFilters = Readonly<Record<string, string | number | undefined>>;

/** The first month of the dashboard's 12-month series. */
function seriesStart(period: ReportPeriod): string {
  return addMonths(period.to.slice(0, 7), 1 - SERIES_MONTHS);
}

export class ReportService implements ReportQueries {
  readonly #erp: ErpClient;
  readonly #cache: CacheService;
  readonly #ttls: CacheTtls;
  readonly #today: () => string;
  readonly #now: () => number;
  /** Resolved periods, kept exactly as long as the period facts they came from. */
  readonly #resolutions = new ResolutionMemo<ResolvedReport>();

  constructor(options: ReportServiceOptions) {
    this.#erp = options.erp;
    this.#cache = options.cache;
    this.#ttls = options.ttls;
    // Looked up per call, like the kernel cache's clock, so a test's fake Date is seen.
    this.#now = options.now ?? (() => Date.now());
    this.#today = options.today ?? todayUtcClock(this.#now);
  }

  /**
   * Validates the period, checks the caller's grant (403, before existence so a
   * limited caller learns nothing about other ids) and the company (404). Exports
   * call this too, so they refuse exactly what the JSON reports refuse.
   * `span` "series" widens the range whose closed state decides the TTL (the
   * dashboard's 12-month series reaches back before the period).
   */
  async resolve(
    params: PeriodParams,
    caller: ReportCaller,
    span: PeriodSpan = "period",
  ): Promise<ResolvedReport> {
    return this.#remembered(params, caller, span) ?? this.#resolveAfresh(params, caller, span);
  }

  /** Forgets every resolved period (after a cache invalidation: the facts may be gone too). */
  forgetResolutions(): void {
    this.#resolutions.clear();
  }

  /**
   * The memo's answer, after the caller's grant check (which never comes from the
   * memo). Only inputs that once resolved are remembered, so a remembered input
   * would not have failed validation or the existence check.
   */
  #remembered(
    params: PeriodParams,
    caller: ReportCaller,
    span: PeriodSpan,
  ): ResolvedReport | undefined {
    const resolved = this.#resolutions.get(params, span, this.#today(), this.#now());
    if (resolved !== undefined) checkGrant(caller, params.company);
    return resolved;
  }

  async #resolveAfresh(
    params: PeriodParams,
    caller: ReportCaller,
    span: PeriodSpan,
  ): Promise<ResolvedReport> {
    const period = parsePeriod(params);
    checkGrant(caller, params.company);
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
    this.#resolutions.set(params, span, resolved, today, storedAt + PERIOD_FACTS_TTL_MS);
    return resolved;
  }

  /** Answers from the cache or computes, after `resolve`. */
  async #serve<T>(
    report: ReportName,
    params: PeriodParams,
    caller: ReportCaller,
    filters: KeyFilters,
    compute: (resolved: ResolvedReport) => Promise<T>,
    span: PeriodSpan = "period",
  ): Promise<CachedReport<T>> {
    const resolved =
      this.#remembered(params, caller, span) ?? (await this.#resolveAfresh(params, caller, span));
    const key = cacheKeyOf(report, params, caller, resolved, filters);
    const result = await this.#cache.wrap(key, () => compute(resolved), {
      ttlMs: resolved.ttlMs,
    });
    return { report: result.value, source: result.source, storedAt: result.storedAt };
  }

  /**
   * The answer `#serve` would give, when it is already at hand: the period is in the
   * memo and the report in the cache's L1. Synchronous, so an L1 hit costs no promise;
   * `undefined` otherwise (nothing is read or computed: the caller takes `#serve`).
   * Throws what `#serve` throws first for a remembered period (403 without the grant).
   */
  #peek<T>(
    report: ReportName,
    params: PeriodParams,
    caller: ReportCaller,
    filters: KeyFilters,
    span: PeriodSpan = "period",
  ): CachedReport<T> | undefined {
    const resolved = this.#remembered(params, caller, span);
    if (resolved === undefined) return undefined;
    const hit = this.#cache.peekL1<T>(cacheKeyOf(report, params, caller, resolved, filters));
    return hit && { report: hit.value, source: hit.source, storedAt: hit.storedAt };
  }

  /*
   * The `peek…` methods answer a report from memory without awaiting, or `undefined`
   * when it is not there (then the report's own method answers). Each builds the key
   * from the same filters as its report's method, and validates them the same way
   * first, so both paths accept, refuse and key alike. Routes use them through
   * `cachedReportHandler`.
   */

  peekDashboard(
    params: PeriodParams,
    caller: ReportCaller,
  ): CachedReport<DashboardReport> | undefined {
    return this.#peek("dashboard", params, caller, NO_FILTERS, "series");
  }

  peekInvoices(params: InvoiceParams, caller: ReportCaller): CachedReport<InvoiceList> | undefined {
    return this.#peek(
      "invoices",
      params,
      caller,
      invoiceKeyFilters(params, invoiceFilters(params)),
    );
  }

  peekAging(params: AgingParams, caller: ReportCaller): CachedReport<AgingReport> | undefined {
    return this.#peek("aging", params, caller, agingKeyFilters(params));
  }

  peekTreasury(
    params: TreasuryParams,
    caller: ReportCaller,
  ): CachedReport<TreasuryReport> | undefined {
    return this.#peek("treasury", params, caller, treasuryKeyFilters(params, treasuryPage(params)));
  }

  peekTrialBalance(
    params: TrialBalanceParams,
    caller: ReportCaller,
  ): CachedReport<TrialBalanceReport> | undefined {
    return this.#peek(
      "trial-balance",
      params,
      caller,
      trialBalanceKeyFilters(trialBalanceFilters(params)),
    );
  }

  dashboard(params: PeriodParams, caller: ReportCaller): Promise<CachedReport<DashboardReport>> {
    const erp = this.#erp;
    const company = params.company;
    return this.#serve(
      "dashboard",
      params,
      caller,
      NO_FILTERS,
      async ({ period, view, asOfUntil }) => {
        const series = monthsEndingWith(period.to, SERIES_MONTHS);
        const seriesFrom = `${series[0]}-01`;
        const [turnover, balances, monthly, receivables, payables] = await Promise.all([
          periodTurnover(erp, { company, dateFrom: period.from, dateUntil: period.until }),
          treasuryBalances(erp, { company, asOfUntil }),
          monthlyTurnover(erp, { company, dateFrom: seriesFrom, dateUntil: period.until }),
          openInvoicesByDueDate(erp, { company, kind: "client", asOfUntil }),
          openInvoicesByDueDate(erp, { company, kind: "supplier", asOfUntil }),
        ]);
        const byMonth = new Map(monthly.map((row) => [row.month, row]));
        const receivablesAging = ageOutstanding(receivables, view.as_of);
        const payablesAging = ageOutstanding(payables, view.as_of);
        return {
          company_id: company,
          period: view,
          revenue: turnover.revenue,
          expenses: turnover.expenses,
          result: difference(turnover.revenue, turnover.expenses),
          cash: balances.cash,
          bank: balances.bank,
          receivables: { total: receivablesAging.total, overdue: receivablesAging.overdue },
          payables: { total: payablesAging.total, overdue: payablesAging.overdue },
          series: series.map((month) => {
            const row = byMonth.get(month);
            const revenue = row?.revenue ?? 0;
            const expenses = row?.expenses ?? 0;
            return { month, revenue, expenses, result: difference(revenue, expenses) };
          }),
        };
      },
      "series",
    );
  }

  invoices(params: InvoiceParams, caller: ReportCaller): Promise<CachedReport<InvoiceList>> {
    const filters = invoiceFilters(params);
    const { order, page } = filters;
    const erp = this.#erp;
    return this.#serve(
      "invoices",
      params,
      caller,
      invoiceKeyFilters(params, filters),
      async (resolved) => {
        const { view } = resolved;
        const { rows, total, totals } = await invoicePage(erp, {
          ...invoiceQuery(params, filters, resolved),
          orderBy: order.sql,
          window: pageWindow(page),
        });
        return {
          company_id: params.company,
          period: view,
          type: params.type,
          items: rows.map((row) => toInvoiceItem(row, view.as_of)),
          ...pageInfo(total, page),
          totals,
        };
      },
    );
  }

  aging(params: AgingParams, caller: ReportCaller): Promise<CachedReport<AgingReport>> {
    const filters = agingKeyFilters(params);
    const erp = this.#erp;
    return this.#serve("aging", params, caller, filters, async ({ view, asOfUntil }) => {
      const rows = await openInvoicesByDueDate(erp, {
        company: params.company,
        kind: params.type,
        asOfUntil,
        partner: params.partner,
      });
      return {
        company_id: params.company,
        period: view,
        type: params.type,
        ...ageOutstanding(rows, view.as_of),
      };
    });
  }

  treasury(params: TreasuryParams, caller: ReportCaller): Promise<CachedReport<TreasuryReport>> {
    const page = treasuryPage(params);
    const erp = this.#erp;
    const company = params.company;
    return this.#serve(
      "treasury",
      params,
      caller,
      treasuryKeyFilters(params, page),
      async ({ period, view }) => {
        const range = { company, dateFrom: period.from, dateUntil: period.until };
        const [accounts, movements] = await Promise.all([
          treasuryAccounts(erp, { ...range, account: params.account }),
          treasuryMovementPage(erp, {
            ...range,
            account: params.account,
            window: pageWindow(page),
          }),
        ]);
        const views = accounts.map((account) => ({
          ...account,
          closing: fromBani(
            toBani(account.opening) + toBani(account.receipts) - toBani(account.payments),
          ),
        }));
        return {
          company_id: company,
          period: view,
          accounts: views,
          totals: {
            cash: sumFigures(views.filter((account) => account.kind === "cash")),
            bank: sumFigures(views.filter((account) => account.kind === "bank")),
          },
          movements: { items: movements.rows, ...pageInfo(movements.total, page) },
        };
      },
    );
  }

  trialBalance(
    params: TrialBalanceParams,
    caller: ReportCaller,
  ): Promise<CachedReport<TrialBalanceReport>> {
    const filters = trialBalanceFilters(params);
    const { level, accountClass } = filters;
    const erp = this.#erp;
    return this.#serve(
      "trial-balance",
      params,
      caller,
      trialBalanceKeyFilters(filters),
      async ({ period, view }) => {
        const [turnovers, names] = await Promise.all([
          accountTurnovers(erp, {
            company: params.company,
            dateFrom: period.from,
            dateUntil: period.until,
          }),
          accountNames(erp, { company: params.company }),
        ]);
        const { lines, totals } = buildTrialBalance(turnovers, { level, accountClass, names });
        return {
          company_id: params.company,
          period: view,
          level,
          account_class: accountClass ?? null,
          lines,
          totals,
        };
      },
    );
  }
}

/**
 * A report's cache key, once its period is resolved. The as-of date changes an open
 * period's answer from one day to the next. (First, and the callers list their filters
 * by name: then the key needs no sort.)
 */
function cacheKeyOf(
  report: ReportName,
  params: PeriodParams,
  caller: ReportCaller,
  resolved: ResolvedReport,
  filters: KeyFilters,
): string {
  return reportCacheKey({
    report,
    company: params.company,
    from: resolved.period.from,
    to: resolved.period.to,
    filters: { as_of: resolved.view.as_of, ...filters },
    scope: scopeKey(caller.companies),
  });
}

/** What tells one invoice list apart in the cache, from its checked filters. */
function invoiceKeyFilters(
  params: InvoiceParams,
  { order, page, issuedFrom, issuedTo, dueFrom, dueTo }: ReturnType<typeof invoiceFilters>,
): KeyFilters {
  return {
    direction: order.direction,
    due_from: dueFrom,
    due_to: dueTo,
    issued_from: issuedFrom,
    issued_to: issuedTo,
    page: page.page,
    page_size: page.pageSize,
    partner: params.partner,
    sort: order.key,
    status: params.status,
    type: params.type,
  };
}

/** The aging report's key filters, after checking its type (400). */
function agingKeyFilters(params: AgingParams): KeyFilters {
  checkInvoiceType(params.type);
  return { partner: params.partner, type: params.type };
}

function treasuryPage(params: TreasuryParams) {
  return pageRequest(params.page, params.page_size);
}

function treasuryKeyFilters(
  params: TreasuryParams,
  page: ReturnType<typeof pageRequest>,
): KeyFilters {
  return { account: params.account, page: page.page, page_size: page.pageSize };
}

function trialBalanceKeyFilters({
  level,
  accountClass,
}: ReturnType<typeof trialBalanceFilters>): KeyFilters {
  return { account_class: accountClass, level };
}

/** The invoice list's filters, checked (400 naming the field) and normalised. */
export function invoiceFilters(params: InvoiceParams) {
  assertOneOf("type", params.type, INVOICE_TYPES);
  if (params.status !== undefined) assertOneOf("status", params.status, INVOICE_STATUSES);
  const order = sortOrder(
    INVOICE_SORT_COLUMNS,
    params.sort ?? "issue_date",
    params.direction ?? (params.sort === undefined ? "desc" : "asc"),
    "id",
  );
  const page = pageRequest(params.page, params.page_size);
  const issuedFrom =
    params.issued_from === undefined ? undefined : checkDate("issued_from", params.issued_from);
  const issuedTo =
    params.issued_to === undefined ? undefined : checkDate("issued_to", params.issued_to);
  const dueFrom =
    params.due_from === undefined ? undefined : checkDate("due_from", params.due_from);
  const dueTo = params.due_to === undefined ? undefined : checkDate("due_to", params.due_to);
  // A range that ends before it starts is a mistake to point out, not an empty list.
  if (issuedFrom !== undefined && issuedTo !== undefined && issuedFrom > issuedTo)
    throw new InvalidParameterError("issued_to", `must not be before issued_from (${issuedFrom})`);
  if (dueFrom !== undefined && dueTo !== undefined && dueFrom > dueTo)
    throw new InvalidParameterError("due_to", `must not be before due_from (${dueFrom})`);
  return { order, page, issuedFrom, issuedTo, dueFrom, dueTo };
}

/**
 * What the list and its export ask the ERP, for a resolved period: the filters as
 * half-open date ranges (`…Until` is the day after the last one).
 */
export function invoiceQuery(
  params: InvoiceParams,
  filters: ReturnType<typeof invoiceFilters>,
  resolved: Pick<ResolvedReport, "period" | "view" | "asOfUntil">,
): Omit<InvoicePageParams, "orderBy" | "window"> {
  const dayAfter = (date: string | undefined) =>
    date === undefined ? undefined : addDays(date, 1);
  return {
    company: params.company,
    kind: params.type,
    status: params.status,
    dateFrom: resolved.period.from,
    dateUntil: resolved.period.until,
    asOf: resolved.view.as_of,
    asOfUntil: resolved.asOfUntil,
    partner: params.partner,
    issuedFrom: filters.issuedFrom,
    issuedUntil: dayAfter(filters.issuedTo),
    dueFrom: filters.dueFrom,
    dueUntil: dayAfter(filters.dueTo),
  };
}

/** The trial balance's level and class, checked. */
export function trialBalanceFilters(params: TrialBalanceParams) {
  const level = params.level ?? "analytic";
  assertOneOf("level", level, ["analytic", "synthetic"]);
  const accountClass = params.account_class;
  if (
    accountClass !== undefined &&
    !(Number.isInteger(accountClass) && accountClass >= 1 && accountClass <= 9)
  ) {
    throw new InvalidParameterError("account_class", "must be a whole number from 1 to 9");
  }
  return { level, accountClass };
}

/** 403 unless the caller may see the company. */
function checkGrant(caller: ReportCaller, company: number): void {
  if (caller.companies !== "*" && !caller.companies.includes(company)) {
    throw new CompanyNotGrantedError(company);
  }
}

export function checkInvoiceType(type: string): void {
  assertOneOf("type", type, INVOICE_TYPES);
}

function assertOneOf(field: string, value: string, allowed: readonly string[]): void {
  if (!allowed.includes(value)) {
    throw new InvalidParameterError(field, `must be one of ${allowed.join(", ")} (got "${value}")`);
  }
}

function difference(a: number, b: number): number {
  return fromBani(toBani(a) - toBani(b));
}

function sumFigures(rows: readonly TreasuryFigures[]): TreasuryFigures {
  const sum = (pick: (row: TreasuryFigures) => number) =>
    fromBani(rows.reduce((total, row) => total + toBani(pick(row)), 0));
  return {
    opening: sum((row) => row.opening),
    receipts: sum((row) => row.receipts),
    payments: sum((row) => row.payments),
    closing: sum((row) => row.closing),
  };
}

export function toInvoiceItem(
  row: {
    id: number;
    invoice_number: string;
    partner_id: number;
    partner_name: string;
    issue_date: string;
    due_date: string;
    total_amount: number;
    paid_amount: number;
    outstanding: number;
  },
  asOf: string,
): InvoiceItem {
  const outstanding = Number(row.outstanding);
  const paid = Number(row.paid_amount);
  const dueDate = String(row.due_date);
  const late = outstanding > 0 ? daysBetween(dueDate, asOf) : 0;
  return {
    id: Number(row.id),
    number: String(row.invoice_number),
    partner_id: Number(row.partner_id),
    partner_name: String(row.partner_name),
    issue_date: String(row.issue_date),
    due_date: dueDate,
    total_amount: Number(row.total_amount),
    paid_amount: paid,
    outstanding,
    status: outstanding <= 0 ? "paid" : paid > 0 ? "partly_paid" : "unpaid",
    overdue: late > 0,
    days_overdue: Math.max(late, 0),
  };
}

/** The name under which `start` registers the service for the route modules. */
export const REPORT_SERVICE = "reportService";
