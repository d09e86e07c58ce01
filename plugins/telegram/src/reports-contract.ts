/**
 * The part of the reports plugin's `reports.queries` service this bot uses, copied
 * from its contract (a plugin never imports another plugin's code).
 */
import type { DashboardView, InvoiceListView, TreasuryView } from "./format.js";

export interface ReportsLookup {
  dashboard(
    params: { company: number; period?: string | undefined },
    caller: { companies: readonly number[] | "*" },
  ): Promise<{ report: DashboardView }>;
  invoices(
    params: {
      company: number;
      period?: string | undefined;
      type: "client" | "supplier";
      status?: "paid" | "unpaid" | "overdue" | undefined;
      sort?: "due_date" | "outstanding" | undefined;
      due_from?: string | undefined;
      due_to?: string | undefined;
      direction?: "asc" | "desc" | undefined;
      page?: number | undefined;
      page_size?: number | undefined;
    },
    caller: { companies: readonly number[] | "*" },
  ): Promise<{ report: InvoiceListView }>;
  treasury(
    params: { company: number; period?: string | undefined; page_size?: number | undefined },
    caller: { companies: readonly number[] | "*" },
  ): Promise<{ report: TreasuryView }>;
}
