/** The `reports.queries` service: each report through the cache, in the caller's scope. */
import type { ReportQueries } from "./contract.js";
import type { ReportCache } from "./report-cache.js";
import { agingReport } from "./reports/aging.js";
import { dashboardReport } from "./reports/dashboard.js";
import { invoicesReport } from "./reports/invoices.js";
import { treasuryReport } from "./reports/treasury.js";
import { trialBalanceReport } from "./reports/trial-balance.js";

export function reportQueries(reports: ReportCache): ReportQueries {
  return {
    dashboard: (params, caller) => reports.serve(dashboardReport, params, caller),
    invoices: (params, caller) => reports.serve(invoicesReport, params, caller),
    aging: (params, caller) => reports.serve(agingReport, params, caller),
    treasury: (params, caller) => reports.serve(treasuryReport, params, caller),
    trialBalance: (params, caller) => reports.serve(trialBalanceReport, params, caller),
  };
}
