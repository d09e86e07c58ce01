/** GET /api/reports/invoices and /api/reports/invoices/aging */
import { defineRoutes } from "@roa2web/plugin-sdk";
import type { AgingParams, InvoiceParams } from "../contract.js";
import { cachedReportHandler } from "../report-handler.js";
import { REPORT_SERVICE, type ReportService } from "../report-service.js";
import { agingSchema, invoicesSchema } from "../schemas.js";

export default defineRoutes(async (app, { plugin }) => {
  const reports = plugin.resolve<ReportService>(REPORT_SERVICE);

  app.get<{ Querystring: InvoiceParams }>(
    "/invoices",
    { config: { access: "reports:read" }, schema: invoicesSchema },
    cachedReportHandler(
      (query: InvoiceParams, caller) => reports.peekInvoices(query, caller),
      (query, caller) => reports.invoices(query, caller),
    ),
  );

  app.get<{ Querystring: AgingParams }>(
    "/invoices/aging",
    { config: { access: "reports:read" }, schema: agingSchema },
    cachedReportHandler(
      (query: AgingParams, caller) => reports.peekAging(query, caller),
      (query, caller) => reports.aging(query, caller),
    ),
  );
});
