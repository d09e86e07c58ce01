/** GET /api/reports/trial-balance (JSON, or `format=xlsx|pdf` for the file) */
import { defineRoutes } from "@roa2web/plugin-sdk";
import type { TrialBalanceParams } from "../contract.js";
import { EXPORTS_SERVICE, type ReportExports } from "../export/report-exports.js";
import { REPORT_CACHE, type ReportCache } from "../report-cache.js";
import type { ReportFormatParam } from "../report-or-file.js";
import { reportRoute } from "../report-route.js";
import { trialBalanceReport } from "../reports/trial-balance.js";
import { trialBalanceSchema } from "../schemas.js";

type Query = TrialBalanceParams & ReportFormatParam;

export default defineRoutes(async (app, { plugin }) => {
  const reports = plugin.resolve<ReportCache>(REPORT_CACHE);
  const exports = plugin.resolve<ReportExports>(EXPORTS_SERVICE);

  app.get<{ Querystring: Query }>(
    "/trial-balance",
    { config: { access: "reports:read" }, schema: trialBalanceSchema },
    reportRoute(
      reports,
      trialBalanceReport,
      (query, caller) => exports.trialBalance(query, caller),
      plugin.logger,
    ),
  );
});
