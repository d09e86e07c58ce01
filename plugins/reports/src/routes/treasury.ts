/** GET /api/reports/treasury */
import { defineRoutes } from "@roa2web/plugin-sdk";
import type { TreasuryParams } from "../contract.js";
import { cachedReportHandler } from "../report-handler.js";
import { REPORT_SERVICE, type ReportService } from "../report-service.js";
import { treasurySchema } from "../schemas.js";

export default defineRoutes(async (app, { plugin }) => {
  const reports = plugin.resolve<ReportService>(REPORT_SERVICE);

  app.get<{ Querystring: TreasuryParams }>(
    "/treasury",
    { config: { access: "reports:read" }, schema: treasurySchema },
    cachedReportHandler(
      (query: TreasuryParams, caller) => reports.peekTreasury(query, caller),
      (query, caller) => reports.treasury(query, caller),
    ),
  );
});
