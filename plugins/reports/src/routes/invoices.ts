/** GET /api/reports/invoices and /api/reports/invoices/aging (JSON, or `format=xlsx|pdf`) */
import { defineRoutes } from "@roa2web/plugin-sdk";
import type { AgingParams, InvoiceParams } from "../contract.js";
import { EXPORTS_SERVICE, type ReportExports } from "../export/report-exports.js";
import { cachedReportHandler } from "../report-handler.js";
import { type ReportFormatParam, reportOrFile } from "../report-or-file.js";
import { REPORT_SERVICE, type ReportService } from "../report-service.js";
import { agingSchema, invoicesSchema } from "../schemas.js";

type InvoicesQuery = InvoiceParams & ReportFormatParam;
type AgingQuery = AgingParams & ReportFormatParam;

export default defineRoutes(async (app, { plugin }) => {
  const reports = plugin.resolve<ReportService>(REPORT_SERVICE);
  const exports = plugin.resolve<ReportExports>(EXPORTS_SERVICE);

  app.get<{ Querystring: InvoicesQuery }>(
    "/invoices",
    { config: { access: "reports:read" }, schema: invoicesSchema },
    reportOrFile(
      cachedReportHandler(
        (query: InvoicesQuery, caller) => reports.peekInvoices(query, caller),
        (query, caller) => reports.invoices(query, caller),
      ),
      (query, caller) => exports.invoices(query, caller),
      { logger: plugin.logger, report: "invoices" },
    ),
  );

  app.get<{ Querystring: AgingQuery }>(
    "/invoices/aging",
    { config: { access: "reports:read" }, schema: agingSchema },
    reportOrFile(
      cachedReportHandler(
        (query: AgingQuery, caller) => reports.peekAging(query, caller),
        (query, caller) => reports.aging(query, caller),
      ),
      (query, caller) => exports.aging(query, caller),
      { logger: plugin.logger, report: "aging" },
    ),
  );
});
