/**
 * Filters of each report page, read from and written to the address bar, and the
 * API queries and export URLs built from them. Plain functions (no DOM, no shell
 * API) so they are unit-tested in Node.
 */

import type {
  AccountLevel,
  InvoiceSort,
  InvoiceStatusFilter,
  InvoiceType,
} from "@roa2web/reports-contract";

export type { InvoiceSort, InvoiceType };
export type InvoiceStatus = InvoiceStatusFilter;
export type Level = AccountLevel;
export type Direction = "asc" | "desc";

/** A flat query: empty values are left out when it becomes a URL. */
export type QueryValues = Record<string, string | number | undefined>;

/** `?a=1&b=x` from values, leaving out the empty ones (links between pages). */
export function queryString(values: QueryValues): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined && value !== "") params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

export const INVOICE_TYPES: readonly InvoiceType[] = ["client", "supplier"];
export const INVOICE_STATUSES: readonly InvoiceStatus[] = ["paid", "unpaid", "overdue"];
export const INVOICE_SORTS: readonly InvoiceSort[] = [
  "issue_date",
  "due_date",
  "number",
  "partner",
  "total",
  "outstanding",
];
export const LEVELS: readonly Level[] = ["analytic", "synthetic"];
/** Rows per page the UI offers; the API takes 1–500. */
export const PAGE_SIZES: readonly number[] = [25, 50, 100];
export const DEFAULT_PAGE_SIZE = 50;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function oneOf<T extends string>(value: string | null, allowed: readonly T[]): T | undefined {
  return value !== null && (allowed as readonly string[]).includes(value)
    ? (value as T)
    : undefined;
}

function positiveInteger(value: string | null): number | undefined {
  if (value === null || !/^\d{1,9}$/.test(value)) return undefined;
  const number = Number(value);
  return number >= 1 ? number : undefined;
}

function isoDate(value: string | null): string | undefined {
  if (value === null || !DATE.test(value)) return undefined;
  return Number.isNaN(Date.parse(`${value}T00:00:00Z`)) ? undefined : value;
}

function pageSize(value: string | null): number {
  const size = positiveInteger(value);
  return size !== undefined && PAGE_SIZES.includes(size) ? size : DEFAULT_PAGE_SIZE;
}

/** Company and period, the part of every report query that comes from the shell. */
export function periodQuery(company: number | undefined, period: string): QueryValues {
  return { company, period: period || undefined };
}

// ---------------------------------------------------------------- invoices

export interface InvoiceFilters {
  type: InvoiceType;
  status: InvoiceStatus | undefined;
  partner: number | undefined;
  issuedFrom: string | undefined;
  issuedTo: string | undefined;
  sort: InvoiceSort;
  direction: Direction;
  page: number;
  pageSize: number;
}

export const DEFAULT_INVOICE_FILTERS: InvoiceFilters = {
  type: "client",
  status: undefined,
  partner: undefined,
  issuedFrom: undefined,
  issuedTo: undefined,
  sort: "issue_date",
  direction: "desc",
  page: 1,
  pageSize: DEFAULT_PAGE_SIZE,
};

/** The filters in an address (`?type=supplier&status=overdue&sort=total…`); bad values fall back to defaults. */
export function invoiceFiltersFromQuery(query: URLSearchParams): InvoiceFilters {
  const sort = oneOf(query.get("sort"), INVOICE_SORTS);
  return {
    type: oneOf(query.get("type"), INVOICE_TYPES) ?? DEFAULT_INVOICE_FILTERS.type,
    status: oneOf(query.get("status"), INVOICE_STATUSES),
    partner: positiveInteger(query.get("partner")),
    issuedFrom: isoDate(query.get("issued_from")),
    issuedTo: isoDate(query.get("issued_to")),
    sort: sort ?? DEFAULT_INVOICE_FILTERS.sort,
    // A sort without a direction reads ascending, as the API does; no sort keeps
    // the default (newest first).
    direction:
      oneOf(query.get("direction"), ["asc", "desc"] as const) ??
      (sort ? "asc" : DEFAULT_INVOICE_FILTERS.direction),
    page: positiveInteger(query.get("page")) ?? 1,
    pageSize: pageSize(query.get("page_size")),
  };
}

/** The address form of the filters: only what differs from the defaults, so links stay short. */
export function invoiceFiltersToQuery(filters: InvoiceFilters): QueryValues {
  const defaults = DEFAULT_INVOICE_FILTERS;
  const defaultSort = filters.sort === defaults.sort && filters.direction === defaults.direction;
  return {
    type: filters.type === defaults.type ? undefined : filters.type,
    status: filters.status,
    partner: filters.partner,
    issued_from: filters.issuedFrom,
    issued_to: filters.issuedTo,
    sort: defaultSort ? undefined : filters.sort,
    direction: defaultSort ? undefined : filters.direction,
    page: filters.page === 1 ? undefined : filters.page,
    page_size: filters.pageSize === defaults.pageSize ? undefined : filters.pageSize,
  };
}

/** What narrows the list, without paging: the JSON report's filters and the export's. */
export function invoiceReportFilters(filters: InvoiceFilters): QueryValues {
  return {
    type: filters.type,
    status: filters.status,
    partner: filters.partner,
    issued_from: filters.issuedFrom,
    issued_to: filters.issuedTo,
    sort: filters.sort,
    direction: filters.direction,
  };
}

/** GET /api/reports/invoices's query for one page. */
export function invoiceApiQuery(filters: InvoiceFilters): QueryValues {
  return { ...invoiceReportFilters(filters), page: filters.page, page_size: filters.pageSize };
}

// ---------------------------------------------------------------- aging

export interface AgingFilters {
  type: InvoiceType;
}

export function agingFiltersFromQuery(query: URLSearchParams): AgingFilters {
  return { type: oneOf(query.get("type"), INVOICE_TYPES) ?? "client" };
}

export function agingFiltersToQuery(filters: AgingFilters): QueryValues {
  return { type: filters.type === "client" ? undefined : filters.type };
}

export function agingReportFilters(filters: AgingFilters): QueryValues {
  return { type: filters.type };
}

// ---------------------------------------------------------------- treasury

export interface TreasuryFilters {
  account: string | undefined;
  page: number;
  pageSize: number;
}

const ACCOUNT = /^[0-9][0-9.]{0,39}$/;

export function treasuryFiltersFromQuery(query: URLSearchParams): TreasuryFilters {
  const account = query.get("account");
  return {
    account: account !== null && ACCOUNT.test(account) ? account : undefined,
    page: positiveInteger(query.get("page")) ?? 1,
    pageSize: pageSize(query.get("page_size")),
  };
}

export function treasuryFiltersToQuery(filters: TreasuryFilters): QueryValues {
  return {
    account: filters.account,
    page: filters.page === 1 ? undefined : filters.page,
    page_size: filters.pageSize === DEFAULT_PAGE_SIZE ? undefined : filters.pageSize,
  };
}

export function treasuryReportFilters(filters: TreasuryFilters): QueryValues {
  return { account: filters.account };
}

export function treasuryApiQuery(filters: TreasuryFilters): QueryValues {
  return { account: filters.account, page: filters.page, page_size: filters.pageSize };
}

// ---------------------------------------------------------------- trial balance

export interface TrialBalanceFilters {
  level: Level;
  accountClass: number | undefined;
}

export function trialBalanceFiltersFromQuery(query: URLSearchParams): TrialBalanceFilters {
  const accountClass = positiveInteger(query.get("account_class"));
  return {
    level: oneOf(query.get("level"), LEVELS) ?? "synthetic",
    accountClass: accountClass !== undefined && accountClass <= 9 ? accountClass : undefined,
  };
}

export function trialBalanceFiltersToQuery(filters: TrialBalanceFilters): QueryValues {
  return {
    level: filters.level === "synthetic" ? undefined : filters.level,
    account_class: filters.accountClass,
  };
}

export function trialBalanceReportFilters(filters: TrialBalanceFilters): QueryValues {
  return { level: filters.level, account_class: filters.accountClass };
}

// ---------------------------------------------------------------- exports

export type ExportReport = "dashboard" | "invoices" | "aging" | "treasury" | "trial-balance";
export type ExportFormat = "xlsx" | "pdf";

/** Each report's JSON path under /api/reports; its export is that path + `/export`. */
const REPORT_PATHS: Record<ExportReport, string> = {
  dashboard: "dashboard",
  invoices: "invoices",
  aging: "invoices/aging",
  treasury: "treasury",
  "trial-balance": "trial-balance",
};

/**
 * The one place that knows the export endpoints' shape:
 * `GET /api/reports/<the JSON report's path>/export?format=xlsx|pdf&<its filters>`
 * (company and period included, paging left out: an export holds every row).
 */
export function exportUrl(
  report: ExportReport,
  format: ExportFormat,
  filters: QueryValues,
): string {
  const params = new URLSearchParams({ format });
  for (const [key, value] of Object.entries(filters)) {
    if (value !== undefined && value !== "" && key !== "page" && key !== "page_size") {
      params.set(key, String(value));
    }
  }
  return `/api/reports/${REPORT_PATHS[report]}/export?${params.toString()}`;
}

// ---------------------------------------------------------------- sums

/** Adds amounts in whole bani, so totals of two-decimal figures do not drift. */
export function sumMoney(values: readonly number[]): number {
  let bani = 0;
  for (const value of values) bani += Math.round(value * 100);
  return bani / 100;
}
