/** GET /api/reports/dashboard */
import { defineRoutes } from "@roa2web/plugin-sdk";
import { callerOf } from "../access.js";
import { withCacheHeaders } from "../cache-headers.js";
import type { PeriodParams } from "../contract.js";
import { REPORT_SERVICE, type ReportService } from "../report-service.js";
import { dashboardSchema } from "../schemas.js";

export default defineRoutes(async (app, { plugin }) => {
  const reports = plugin.resolve<ReportService>(REPORT_SERVICE);

  app.get<{ Querystring: PeriodParams }>(
    "/dashboard",
    { config: { access: "reports:read" }, schema: dashboardSchema },
    async (request, reply) =>
      withCacheHeaders(request, reply, await reports.dashboard(request.query, callerOf(request))),
  );
});
