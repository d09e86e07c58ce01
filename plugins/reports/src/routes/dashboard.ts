/** GET /api/reports/dashboard (JSON, or `format=xlsx|pdf` for the file) */
import { defineRoutes } from "@roa2web/plugin-sdk";
import type { PeriodParams } from "../contract.js";
import { EXPORTS_SERVICE, type ReportExports } from "../export/report-exports.js";
import { REPORT_CACHE, type ReportCache } from "../report-cache.js";
import type { ReportFormatParam } from "../report-or-file.js";
import { reportRoute } from "../report-route.js";
import { dashboardReport } from "../reports/dashboard.js";
import { dashboardSchema } from "../schemas.js";

type Query = PeriodParams & ReportFormatParam;

export default defineRoutes(async (app, { plugin }) => {
  const reports = plugin.resolve<ReportCache>(REPORT_CACHE);
  const exports = plugin.resolve<ReportExports>(EXPORTS_SERVICE);

  app.get<{ Querystring: Query }>(
    "/dashboard",
    { config: { access: "reports:read" }, schema: dashboardSchema },
    reportRoute(
      reports,
      dashboardReport,
      (query, caller) => exports.dashboard(query, caller),
      plugin.logger,
    ),
  );
});
