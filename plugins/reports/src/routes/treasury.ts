/** GET /api/reports/treasury (JSON, or `format=xlsx|pdf` for the file) */
import { defineRoutes } from "@roa2web/plugin-sdk";
import type { TreasuryParams } from "@roa2web/reports-contract";
import type { plugin } from "../plugin.js";
import type { ReportFormatParam } from "../report-or-file.js";
import { reportRoute } from "../report-route.js";
import { treasuryReport } from "../reports/treasury.js";
import { treasurySchema } from "../schemas.js";

type Query = TreasuryParams & ReportFormatParam;

export default defineRoutes<typeof plugin>(async (app, { deps, state }) => {
  app.get<{ Querystring: Query }>(
    "/treasury",
    { config: { access: "reports:read" }, schema: treasurySchema },
    reportRoute(
      state.reports,
      treasuryReport,
      (query, caller) => state.exports.treasury(query, caller),
      deps.logger,
    ),
  );
});
