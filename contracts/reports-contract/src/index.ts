/**
 * @roa2web/reports-contract — what the reports plugin shares with other plugins: the
 * `reports.queries` service and the report shapes. Types and references only; a
 * breaking change is a new major version (ADR 0015).
 */
import { type CacheSource, createServiceRef } from "@roa2web/plugin-sdk";

export type AgingBucketKey = "not_due" | "1_30" | "31_60" | "61_90" | "over_90";

/** `analytic`: every posted account; `synthetic`: summed per synthetic account. */
export type AccountLevel = "analytic" | "synthetic";

export interface TrialBalanceLine {
  account: string;
  name: string | null;
  account_class: number;
  opening_debit: number;
  opening_credit: number;
  period_debit: number;
  period_credit: number;
  /** "Total sume": the opening balance plus the period's turnover, per side. */
  total_debit: number;
  total_credit: number;
  closing_debit: number;
  closing_credit: number;
}

export type TrialBalanceTotals = Omit<TrialBalanceLine, "account" | "name" | "account_class">;

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

/**
 * Service `reports.queries`, called for a signed-in user (`handle.for(user)`). Each call
 * checks the caller's `reports:read` and company grant (403), that the company exists
 * (404) and the parameters (400), and answers through the cache.
 */
export interface ReportQueries {
  dashboard(params: PeriodParams): Promise<CachedReport<DashboardReport>>;
  invoices(params: InvoiceParams): Promise<CachedReport<InvoiceList>>;
  aging(params: AgingParams): Promise<CachedReport<AgingReport>>;
  treasury(params: TreasuryParams): Promise<CachedReport<TreasuryReport>>;
  trialBalance(params: TrialBalanceParams): Promise<CachedReport<TrialBalanceReport>>;
}

export const reportsQueries = createServiceRef<ReportQueries>({
  id: "reports.queries",
  version: "1.0.0",
});
