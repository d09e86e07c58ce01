/** GET /api/reports/trial-balance */
import { defineRoutes } from "@roa2web/plugin-sdk";
import { callerOf } from "../access.js";
import { withCacheHeaders } from "../cache-headers.js";
import type { TrialBalanceParams } from "../contract.js";
import { REPORT_SERVICE, type ReportService } from "../report-service.js";
import { trialBalanceSchema } from "../schemas.js";

export default defineRoutes(async (app, { plugin }) => {
  const reports = plugin.resolve<ReportService>(REPORT_SERVICE);

  app.get<{ Querystring: TrialBalanceParams }>(
    "/trial-balance",
    { config: { access: "reports:read" }, schema: trialBalanceSchema },
    async (request, reply) =>
      withCacheHeaders(
        request,
        reply,
        await reports.trialBalance(request.query, callerOf(request)),
      ),
  );
});
