/**
 * GET /api/reports/<report>/export?format=xlsx|pdf&<the report's own query>: the
 * dashboard, invoices, aging, treasury and trial-balance reports as streamed files
 * (reports:export). The report's own URL with `format=xlsx|pdf` answers the same file
 * (report-or-file.ts). See docs/plugins/reports.md#exports.
 */
import { defineRoutes } from "@roa2web/plugin-sdk";
import { callerOf } from "../access.js";
import type {
  AgingParams,
  InvoiceParams,
  PeriodParams,
  TreasuryParams,
  TrialBalanceParams,
} from "../contract.js";
import {
  EXPORTS_SERVICE,
  type ExportParams,
  type ReportExports,
} from "../export/report-exports.js";
import { sendExport } from "../export/send.js";
import {
  agingExportSchema,
  dashboardExportSchema,
  invoicesExportSchema,
  treasuryExportSchema,
  trialBalanceExportSchema,
} from "../schemas.js";

export default defineRoutes(async (app, { plugin }) => {
  const exports = plugin.resolve<ReportExports>(EXPORTS_SERVICE);

  app.get<{ Querystring: ExportParams<PeriodParams> }>(
    "/dashboard/export",
    { config: { access: "reports:export" }, schema: dashboardExportSchema },
    async (request, reply) =>
      sendExport(reply, await exports.dashboard(request.query, callerOf(request)), {
        logger: plugin.logger,
        reqId: request.id,
        report: "dashboard",
      }),
  );

  app.get<{ Querystring: ExportParams<InvoiceParams> }>(
    "/invoices/export",
    { config: { access: "reports:export" }, schema: invoicesExportSchema },
    async (request, reply) =>
      sendExport(reply, await exports.invoices(request.query, callerOf(request)), {
        logger: plugin.logger,
        reqId: request.id,
        report: "invoices",
      }),
  );

  app.get<{ Querystring: ExportParams<AgingParams> }>(
    "/invoices/aging/export",
    { config: { access: "reports:export" }, schema: agingExportSchema },
    async (request, reply) =>
      sendExport(reply, await exports.aging(request.query, callerOf(request)), {
        logger: plugin.logger,
        reqId: request.id,
        report: "aging",
      }),
  );

  app.get<{ Querystring: ExportParams<TreasuryParams> }>(
    "/treasury/export",
    { config: { access: "reports:export" }, schema: treasuryExportSchema },
    async (request, reply) =>
      sendExport(reply, await exports.treasury(request.query, callerOf(request)), {
        logger: plugin.logger,
        reqId: request.id,
        report: "treasury",
      }),
  );

  app.get<{ Querystring: ExportParams<TrialBalanceParams> }>(
    "/trial-balance/export",
    { config: { access: "reports:export" }, schema: trialBalanceExportSchema },
    async (request, reply) =>
      sendExport(reply, await exports.trialBalance(request.query, callerOf(request)), {
        logger: plugin.logger,
        reqId: request.id,
        report: "trial-balance",
      }),
  );
});
