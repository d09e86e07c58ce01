/**
 * GET /api/reports/<report>/export?format=xlsx|pdf&<the report's own query>: the
 * dashboard, invoices, aging, treasury and trial-balance reports as streamed files
 * (reports:export). The report's own URL with `format=xlsx|pdf` answers the same file
 * (report-or-file.ts). See docs/plugins/reports.md#exports.
 */
import { defineRoutes } from "@roa2web/plugin-sdk";
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
import { fileHandler } from "../report-or-file.js";
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
    fileHandler((query, caller) => exports.dashboard(query, caller), {
      logger: plugin.logger,
      report: "dashboard",
    }),
  );

  app.get<{ Querystring: ExportParams<InvoiceParams> }>(
    "/invoices/export",
    { config: { access: "reports:export" }, schema: invoicesExportSchema },
    fileHandler((query, caller) => exports.invoices(query, caller), {
      logger: plugin.logger,
      report: "invoices",
    }),
  );

  app.get<{ Querystring: ExportParams<AgingParams> }>(
    "/invoices/aging/export",
    { config: { access: "reports:export" }, schema: agingExportSchema },
    fileHandler((query, caller) => exports.aging(query, caller), {
      logger: plugin.logger,
      report: "aging",
    }),
  );

  app.get<{ Querystring: ExportParams<TreasuryParams> }>(
    "/treasury/export",
    { config: { access: "reports:export" }, schema: treasuryExportSchema },
    fileHandler((query, caller) => exports.treasury(query, caller), {
      logger: plugin.logger,
      report: "treasury",
    }),
  );

  app.get<{ Querystring: ExportParams<TrialBalanceParams> }>(
    "/trial-balance/export",
    { config: { access: "reports:export" }, schema: trialBalanceExportSchema },
    fileHandler((query, caller) => exports.trialBalance(query, caller), {
      logger: plugin.logger,
      report: "trial-balance",
    }),
  );
});
