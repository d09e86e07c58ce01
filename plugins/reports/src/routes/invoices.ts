/** GET /api/reports/invoices and /api/reports/invoices/aging */
import { defineRoutes } from "@roa2web/plugin-sdk";
import { callerOf } from "../access.js";
import { withCacheHeaders } from "../cache-headers.js";
import type { AgingParams, InvoiceParams } from "../contract.js";
import { REPORT_SERVICE, type ReportService } from "../report-service.js";
import { agingSchema, invoicesSchema } from "../schemas.js";

export default defineRoutes(async (app, { plugin }) => {
  const reports = plugin.resolve<ReportService>(REPORT_SERVICE);

  app.get<{ Querystring: InvoiceParams }>(
    "/invoices",
    { config: { access: "reports:read" }, schema: invoicesSchema },
    async (request, reply) =>
      withCacheHeaders(request, reply, await reports.invoices(request.query, callerOf(request))),
  );

  app.get<{ Querystring: AgingParams }>(
    "/invoices/aging",
    { config: { access: "reports:read" }, schema: agingSchema },
    async (request, reply) =>
      withCacheHeaders(request, reply, await reports.aging(request.query, callerOf(request))),
  );
});
