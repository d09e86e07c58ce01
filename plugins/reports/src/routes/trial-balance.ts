/** GET /api/reports/trial-balance (JSON, or `format=xlsx|pdf` for the file) */
import { defineRoutes } from "@roa2web/plugin-sdk";
import type { TrialBalanceParams } from "@roa2web/reports-contract";
import type { plugin } from "../plugin.js";
import type { ReportFormatParam } from "../report-or-file.js";
import { reportRoute } from "../report-route.js";
import { trialBalanceReport } from "../reports/trial-balance.js";
import { trialBalanceSchema } from "../schemas.js";

type Query = TrialBalanceParams & ReportFormatParam;

export default defineRoutes<typeof plugin>(async (app, { deps, state }) => {
  app.get<{ Querystring: Query }>(
    "/trial-balance",
    { config: { access: "reports:read" }, schema: trialBalanceSchema },
    reportRoute(
      state.reports,
      trialBalanceReport,
      (query, caller) => state.exports.trialBalance(query, caller),
      deps.logger,
    ),
  );
});
