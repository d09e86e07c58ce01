/** GET /api/reports/invoices and /api/reports/invoices/aging (JSON, or `format=xlsx|pdf`) */
import { defineRoutes } from "@roa2web/plugin-sdk";
import type { AgingParams, InvoiceParams } from "../contract.js";
import { EXPORTS_SERVICE, type ReportExports } from "../export/report-exports.js";
import { REPORT_CACHE, type ReportCache } from "../report-cache.js";
import type { ReportFormatParam } from "../report-or-file.js";
import { reportRoute } from "../report-route.js";
import { agingReport } from "../reports/aging.js";
import { invoicesReport } from "../reports/invoices.js";
import { agingSchema, invoicesSchema } from "../schemas.js";

type InvoicesQuery = InvoiceParams & ReportFormatParam;
type AgingQuery = AgingParams & ReportFormatParam;

export default defineRoutes(async (app, { plugin }) => {
  const reports = plugin.resolve<ReportCache>(REPORT_CACHE);
  const exports = plugin.resolve<ReportExports>(EXPORTS_SERVICE);

  app.get<{ Querystring: InvoicesQuery }>(
    "/invoices",
    { config: { access: "reports:read" }, schema: invoicesSchema },
    reportRoute(
      reports,
      invoicesReport,
      (query, caller) => exports.invoices(query, caller),
      plugin.logger,
    ),
  );

  app.get<{ Querystring: AgingQuery }>(
    "/invoices/aging",
    { config: { access: "reports:read" }, schema: agingSchema },
    reportRoute(
      reports,
      agingReport,
      (query, caller) => exports.aging(query, caller),
      plugin.logger,
    ),
  );
});
