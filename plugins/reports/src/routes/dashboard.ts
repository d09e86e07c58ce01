/** GET /api/reports/dashboard (JSON, or `format=xlsx|pdf` for the file) */
import { defineRoutes } from "@roa2web/plugin-sdk";
import type { PeriodParams } from "@roa2web/reports-contract";
import type { plugin } from "../plugin.js";
import type { ReportFormatParam } from "../report-or-file.js";
import { reportRoute } from "../report-route.js";
import { dashboardReport } from "../reports/dashboard.js";
import { dashboardSchema } from "../schemas.js";

type Query = PeriodParams & ReportFormatParam;

export default defineRoutes<typeof plugin>(async (app, { deps, state }) => {
  app.get<{ Querystring: Query }>(
    "/dashboard",
    { config: { access: "reports:read" }, schema: dashboardSchema },
    reportRoute(
      state.reports,
      dashboardReport,
      (query, caller) => state.exports.dashboard(query, caller),
      deps.logger,
    ),
  );
});
