/** GET /api/reports/trial-balance (JSON, or `format=xlsx|pdf` for the file) */
import { defineRoutes } from "@roa2web/plugin-sdk";
import type { TrialBalanceParams } from "../contract.js";
import { EXPORTS_SERVICE, type ReportExports } from "../export/report-exports.js";
import { cachedReportHandler } from "../report-handler.js";
import { type ReportFormatParam, reportOrFile } from "../report-or-file.js";
import { REPORT_SERVICE, type ReportService } from "../report-service.js";
import { trialBalanceSchema } from "../schemas.js";

type Query = TrialBalanceParams & ReportFormatParam;

export default defineRoutes(async (app, { plugin }) => {
  const reports = plugin.resolve<ReportService>(REPORT_SERVICE);
  const exports = plugin.resolve<ReportExports>(EXPORTS_SERVICE);

  app.get<{ Querystring: Query }>(
    "/trial-balance",
    { config: { access: "reports:read" }, schema: trialBalanceSchema },
    reportOrFile(
      cachedReportHandler(
        (query: Query, caller) => reports.peekTrialBalance(query, caller),
        (query, caller) => reports.trialBalance(query, caller),
      ),
      (query, caller) => exports.trialBalance(query, caller),
      { logger: plugin.logger, report: "trial-balance" },
    ),
  );
});
