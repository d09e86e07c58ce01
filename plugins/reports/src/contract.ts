/**
 * What this plugin shares: the report shapes and the `reports.queries` service,
 * typed by augmenting the SDK's `ServiceMap`. A consumer (the Telegram plugin) copies
 * these types; it never imports this package.
 */
import type { CacheSource } from "@roa2web/plugin-sdk";
import type { AgingBucketKey } from "./aging.js";
import type { AccountLevel, TrialBalanceLine, TrialBalanceTotals } from "./trial-balance-rules.js";

/** Which period a report covers. */
export interface ReportPeriodView {
  from: string;
  to: string;
  label: string;
  /** Where overdue and balances are measured: `to`, or today if that is earlier. */
  as_of: string;
  /** Every month of the period is closed in the ERP. */
  closed: boolean;
}

export interface PeriodParams {
  company: number;
  /** `YYYY-MM`; or give `from` and `to`. */
  period?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export interface OpenAmounts {
  total: number;
  overdue: number;
}

export interface MonthFigures {
  month: string;
  revenue: number;
  expenses: number;
  result: number;
}

export interface DashboardReport {
  company_id: number;
  period: ReportPeriodView;
  revenue: number;
  expenses: number;
  result: number;
  cash: number;
  bank: number;
  receivables: OpenAmounts;
  payables: OpenAmounts;
  /** The 12 months ending with the period's last month, oldest first. */
  series: MonthFigures[];
}

export type InvoiceType = "client" | "supplier";
export type InvoiceStatusFilter = "paid" | "unpaid" | "overdue";
export type InvoiceSort =
  | "issue_date"
  | "due_date"
  | "number"
  | "partner"
  | "total"
  | "outstanding";

export interface InvoiceParams extends PeriodParams {
  type: InvoiceType;
  status?: InvoiceStatusFilter | undefined;
  partner?: number | undefined;
  issued_from?: string | undefined;
  issued_to?: string | undefined;
  /** Due on or after / on or before (YYYY-MM-DD): "due in the next 7 days". */
  due_from?: string | undefined;
  due_to?: string | undefined;
  sort?: InvoiceSort | undefined;
  direction?: "asc" | "desc" | undefined;
  page?: number | undefined;
  page_size?: number | undefined;
}

export interface InvoiceItem {
  id: number;
  number: string;
  partner_id: number;
  partner_name: string;
  issue_date: string;
  due_date: string;
  total_amount: number;
  paid_amount: number;
  outstanding: number;
  status: "paid" | "partly_paid" | "unpaid";
  overdue: boolean;
  days_overdue: number;
}

export interface InvoiceList {
  company_id: number;
  period: ReportPeriodView;
  type: InvoiceType;
  items: InvoiceItem[];
  total: number;
  page: number;
  page_size: number;
  pages: number;
  /** Sums over every invoice that matches (every page). */
  totals: { total_amount: number; paid_amount: number; outstanding: number };
}

export interface AgingParams extends PeriodParams {
  type: InvoiceType;
  partner?: number | undefined;
}

export interface AgingReport {
  company_id: number;
  period: ReportPeriodView;
  type: InvoiceType;
  total: number;
  overdue: number;
  invoices: number;
  buckets: Array<{ key: AgingBucketKey; label: string; amount: number; invoices: number }>;
}

export interface TreasuryParams extends PeriodParams {
  account?: string | undefined;
  page?: number | undefined;
  page_size?: number | undefined;
}

export interface TreasuryFigures {
  opening: number;
  receipts: number;
  payments: number;
  closing: number;
}

export interface TreasuryAccountView extends TreasuryFigures {
  code: string;
  name: string;
  kind: "cash" | "bank";
}

export interface TreasuryMovement {
  id: number;
  account_code: string;
  date: string;
  document_type: string;
  document_number: string;
  description: string;
  partner_id: number | null;
  receipt: number;
  payment: number;
}

export interface TreasuryReport {
  company_id: number;
  period: ReportPeriodView;
  accounts: TreasuryAccountView[];
  totals: { cash: TreasuryFigures; bank: TreasuryFigures };
  movements: {
    items: TreasuryMovement[];
    total: number;
    page: number;
    page_size: number;
    pages: number;
  };
}

export interface TrialBalanceParams extends PeriodParams {
  level?: AccountLevel | undefined;
  account_class?: number | undefined;
}

export interface TrialBalanceReport {
  company_id: number;
  period: ReportPeriodView;
  level: AccountLevel;
  account_class: number | null;
  lines: TrialBalanceLine[];
  totals: TrialBalanceTotals;
}

/** Where a report came from: what `X-Cache` and `Age` say over HTTP. */
export interface CachedReport<T> {
  report: T;
  source: CacheSource;
  storedAt: number;
}

/** Whose data scope a call runs in: the companies the caller may see. */
export interface ReportCaller {
  companies: readonly number[] | "*";
}

/**
 * Service `reports.queries`. Each call checks the company against `caller` (403),
 * that it exists (404) and the parameters (400), and answers through the cache.
 */
export interface ReportQueries {
  dashboard(params: PeriodParams, caller: ReportCaller): Promise<CachedReport<DashboardReport>>;
  invoices(params: InvoiceParams, caller: ReportCaller): Promise<CachedReport<InvoiceList>>;
  aging(params: AgingParams, caller: ReportCaller): Promise<CachedReport<AgingReport>>;
  treasury(params: TreasuryParams, caller: ReportCaller): Promise<CachedReport<TreasuryReport>>;
  trialBalance(
    params: TrialBalanceParams,
    caller: ReportCaller,
  ): Promise<CachedReport<TrialBalanceReport>>;
}

declare module "@roa2web/plugin-sdk" {
  interface ServiceMap {
    "reports.queries": ReportQueries;
  }
}
