/** GET /api/reports/invoices and /api/reports/invoices/aging (JSON, or `format=xlsx|pdf`) */
import { defineRoutes } from "@roa2web/plugin-sdk";
import type { AgingParams, InvoiceParams } from "@roa2web/reports-contract";
import type { plugin } from "../plugin.js";
import type { ReportFormatParam } from "../report-or-file.js";
import { reportRoute } from "../report-route.js";
import { agingReport } from "../reports/aging.js";
import { invoicesReport } from "../reports/invoices.js";
import { agingSchema, invoicesSchema } from "../schemas.js";

type InvoicesQuery = InvoiceParams & ReportFormatParam;
type AgingQuery = AgingParams & ReportFormatParam;

export default defineRoutes<typeof plugin>(async (app, { deps, state }) => {
  app.get<{ Querystring: InvoicesQuery }>(
    "/invoices",
    { config: { access: "reports:read" }, schema: invoicesSchema },
    reportRoute(
      state.reports,
      invoicesReport,
      (query, caller) => state.exports.invoices(query, caller),
      deps.logger,
    ),
  );

  app.get<{ Querystring: AgingQuery }>(
    "/invoices/aging",
    { config: { access: "reports:read" }, schema: agingSchema },
    reportRoute(
      state.reports,
      agingReport,
      (query, caller) => state.exports.aging(query, caller),
      deps.logger,
    ),
  );
});
