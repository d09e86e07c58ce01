/** GET /api/reports/trial-balance */
import { defineRoutes } from "@roa2web/plugin-sdk";
import type { TrialBalanceParams } from "../contract.js";
import { cachedReportHandler } from "../report-handler.js";
import { REPORT_SERVICE, type ReportService } from "../report-service.js";
import { trialBalanceSchema } from "../schemas.js";

export default defineRoutes(async (app, { plugin }) => {
  const reports = plugin.resolve<ReportService>(REPORT_SERVICE);

  app.get<{ Querystring: TrialBalanceParams }>(
    "/trial-balance",
    { config: { access: "reports:read" }, schema: trialBalanceSchema },
    cachedReportHandler(
      (query: TrialBalanceParams, caller) => reports.peekTrialBalance(query, caller),
      (query, caller) => reports.trialBalance(query, caller),
    ),
  );
});
