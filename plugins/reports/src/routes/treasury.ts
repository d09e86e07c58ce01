/** GET /api/reports/treasury */
import { defineRoutes } from "@roa2web/plugin-sdk";
import { callerOf } from "../access.js";
import { withCacheHeaders } from "../cache-headers.js";
import type { TreasuryParams } from "../contract.js";
import { REPORT_SERVICE, type ReportService } from "../report-service.js";
import { treasurySchema } from "../schemas.js";

export default defineRoutes(async (app, { plugin }) => {
  const reports = plugin.resolve<ReportService>(REPORT_SERVICE);

  app.get<{ Querystring: TreasuryParams }>(
    "/treasury",
    { config: { access: "reports:read" }, schema: treasurySchema },
    async (request, reply) =>
      withCacheHeaders(request, reply, await reports.treasury(request.query, callerOf(request))),
  );
});
