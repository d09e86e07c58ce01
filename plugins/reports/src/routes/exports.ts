/**
 * GET /api/reports/<report>/export?format=xlsx|pdf&<the report's own query>: the
 * dashboard, invoices, aging, treasury and trial-balance reports as streamed files
 * (reports:export). The report's own URL with `format=xlsx|pdf` answers the same file
 * (report-or-file.ts). See docs/plugins/reports.md#state.exports.
 */
import { defineRoutes } from "@roa2web/plugin-sdk";
import type {
  AgingParams,
  InvoiceParams,
  PeriodParams,
  TreasuryParams,
  TrialBalanceParams,
} from "@roa2web/reports-contract";
import type { ExportParams } from "../export/report-exports.js";
import type { plugin } from "../plugin.js";
import { fileHandler } from "../report-or-file.js";
import {
  agingExportSchema,
  dashboardExportSchema,
  invoicesExportSchema,
  treasuryExportSchema,
  trialBalanceExportSchema,
} from "../schemas.js";

export default defineRoutes<typeof plugin>(async (app, { deps, state }) => {
  app.get<{ Querystring: ExportParams<PeriodParams> }>(
    "/dashboard/export",
    { config: { access: "reports:export" }, schema: dashboardExportSchema },
    fileHandler((query, caller) => state.exports.dashboard(query, caller), {
      logger: deps.logger,
      report: "dashboard",
    }),
  );

  app.get<{ Querystring: ExportParams<InvoiceParams> }>(
    "/invoices/export",
    { config: { access: "reports:export" }, schema: invoicesExportSchema },
    fileHandler((query, caller) => state.exports.invoices(query, caller), {
      logger: deps.logger,
      report: "invoices",
    }),
  );

  app.get<{ Querystring: ExportParams<AgingParams> }>(
    "/invoices/aging/export",
    { config: { access: "reports:export" }, schema: agingExportSchema },
    fileHandler((query, caller) => state.exports.aging(query, caller), {
      logger: deps.logger,
      report: "aging",
    }),
  );

  app.get<{ Querystring: ExportParams<TreasuryParams> }>(
    "/treasury/export",
    { config: { access: "reports:export" }, schema: treasuryExportSchema },
    fileHandler((query, caller) => state.exports.treasury(query, caller), {
      logger: deps.logger,
      report: "treasury",
    }),
  );

  app.get<{ Querystring: ExportParams<TrialBalanceParams> }>(
    "/trial-balance/export",
    { config: { access: "reports:export" }, schema: trialBalanceExportSchema },
    fileHandler((query, caller) => state.exports.trialBalance(query, caller), {
      logger: deps.logger,
      report: "trial-balance",
    }),
  );
});
