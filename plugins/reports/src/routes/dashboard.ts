/** GET /api/reports/dashboard */
import { defineRoutes } from "@roa2web/plugin-sdk";
import type { PeriodParams } from "../contract.js";
import { cachedReportHandler } from "../report-handler.js";
import { REPORT_SERVICE, type ReportService } from "../report-service.js";
import { dashboardSchema } from "../schemas.js";

export default defineRoutes(async (app, { plugin }) => {
  const reports = plugin.resolve<ReportService>(REPORT_SERVICE);

  app.get<{ Querystring: PeriodParams }>(
    "/dashboard",
    { config: { access: "reports:read" }, schema: dashboardSchema },
    cachedReportHandler(
      (query: PeriodParams, caller) => reports.peekDashboard(query, caller),
      (query, caller) => reports.dashboard(query, caller),
    ),
  );
});
