/** GET /api/reports/treasury (JSON, or `format=xlsx|pdf` for the file) */
import { defineRoutes } from "@roa2web/plugin-sdk";
import type { TreasuryParams } from "../contract.js";
import { EXPORTS_SERVICE, type ReportExports } from "../export/report-exports.js";
import { REPORT_CACHE, type ReportCache } from "../report-cache.js";
import type { ReportFormatParam } from "../report-or-file.js";
import { reportRoute } from "../report-route.js";
import { treasuryReport } from "../reports/treasury.js";
import { treasurySchema } from "../schemas.js";

type Query = TreasuryParams & ReportFormatParam;

export default defineRoutes(async (app, { plugin }) => {
  const reports = plugin.resolve<ReportCache>(REPORT_CACHE);
  const exports = plugin.resolve<ReportExports>(EXPORTS_SERVICE);

  app.get<{ Querystring: Query }>(
    "/treasury",
    { config: { access: "reports:read" }, schema: treasurySchema },
    reportRoute(
      reports,
      treasuryReport,
      (query, caller) => exports.treasury(query, caller),
      plugin.logger,
    ),
  );
});
