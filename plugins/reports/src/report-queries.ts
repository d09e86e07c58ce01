/**
 * The `reports.queries` service (`@roa2web/reports-contract`), made for one caller: each
 * call checks that the user the consumer acts for holds `reports:read` and the company
 * (403; a plugin acting on its own is refused too), then answers the report through
 * the cache in that user's scope, as the HTTP routes do.
 */
import { assertCaller, type Caller } from "@roa2web/plugin-sdk";
import type { PeriodParams, ReportQueries } from "@roa2web/reports-contract";
import type { ReportCaller } from "./access.js";
import type { ReportCache } from "./report-cache.js";
import { agingReport } from "./reports/aging.js";
import { dashboardReport } from "./reports/dashboard.js";
import type { ReportDefinition } from "./reports/definition.js";
import { invoicesReport } from "./reports/invoices.js";
import { treasuryReport } from "./reports/treasury.js";
import { trialBalanceReport } from "./reports/trial-balance.js";

export const READ_PERMISSION = "reports:read";

/**
 * The caller the kernel builds for a contract v1 consumer (`ctx.services.get`), which
 * passes the user's scope as a second argument and checks `reports:read` itself (the
 * Telegram bot until it names `reportsQueries` in `deps`). Goes when contract v1 goes.
 */
const V1_CONSUMER = "contract v1 consumer";

export function reportQueriesFor(reports: ReportCache, caller: Caller): ReportQueries {
  const serve = <Params extends PeriodParams, Filters, Report>(
    report: ReportDefinition<Params, Filters, Report>,
    params: Params,
    v1Scope: ReportCaller | undefined,
  ) => {
    if (caller.kind === "system" && caller.reason === V1_CONSUMER && v1Scope !== undefined) {
      return reports.serve(report, params, v1Scope);
    }
    assertCaller(caller, { permission: READ_PERMISSION, company: params.company });
    // assertCaller let only a user through.
    return reports.serve(report, params, caller.kind === "user" ? caller.user : NO_COMPANIES);
  };
  return {
    dashboard: async (params, v1Scope?: ReportCaller) => serve(dashboardReport, params, v1Scope),
    invoices: async (params, v1Scope?: ReportCaller) => serve(invoicesReport, params, v1Scope),
    aging: async (params, v1Scope?: ReportCaller) => serve(agingReport, params, v1Scope),
    treasury: async (params, v1Scope?: ReportCaller) => serve(treasuryReport, params, v1Scope),
    trialBalance: async (params, v1Scope?: ReportCaller) =>
      serve(trialBalanceReport, params, v1Scope),
  };
}

const NO_COMPANIES: ReportCaller = Object.freeze({ companies: Object.freeze([]) });
