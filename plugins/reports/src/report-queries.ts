/**
 * The `reports.queries` service (`@roa2web/reports-contract`), made for one caller: each
 * call checks that the user the consumer acts for holds `reports:read` and the company
 * (403; a plugin acting on its own is refused too), then answers the report through
 * the cache in that user's scope, as the HTTP routes do.
 */
import { assertCaller, type Caller } from "@roa2web/plugin-sdk";
import type { PeriodParams, ReportQueries } from "@roa2web/reports-contract";
import type { ReportCaller } from "./period-resolver.js";
import type { ReportCache } from "./report-cache.js";
import { agingReport } from "./reports/aging.js";
import { dashboardReport } from "./reports/dashboard.js";
import type { ReportDefinition } from "./reports/definition.js";
import { invoicesReport } from "./reports/invoices.js";
import { treasuryReport } from "./reports/treasury.js";
import { trialBalanceReport } from "./reports/trial-balance.js";

export const READ_PERMISSION = "reports:read";

export function reportQueriesFor(reports: ReportCache, caller: Caller): ReportQueries {
  const serve = <Params extends PeriodParams, Filters, Report>(
    report: ReportDefinition<Params, Filters, Report>,
    params: Params,
  ) => {
    assertCaller(caller, { permission: READ_PERMISSION, company: params.company });
    // assertCaller let only a user through.
    return reports.serve(report, params, caller.kind === "user" ? caller.user : NO_COMPANIES);
  };
  return {
    dashboard: async (params) => serve(dashboardReport, params),
    invoices: async (params) => serve(invoicesReport, params),
    aging: async (params) => serve(agingReport, params),
    treasury: async (params) => serve(treasuryReport, params),
    trialBalance: async (params) => serve(trialBalanceReport, params),
  };
}

const NO_COMPANIES: ReportCaller = Object.freeze({ companies: Object.freeze([]) });
