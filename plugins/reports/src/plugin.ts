/**
 * The reports plugin's code half (the static half is `roa2web` in package.json):
 * read-only reports over the kernel's `erp`, served through the kernel cache, and
 * the `reports.queries` service for other plugins (the Telegram bot).
 */
import { definePlugin } from "@roa2web/plugin-sdk";
import type {} from "./contract.js";
import { loadPdfFonts } from "./export/pdf-writer.js";
import { EXPORTS_SERVICE, ReportExports } from "./export/report-exports.js";
import { REPORT_CACHE, ReportCache } from "./report-cache.js";
import { reportQueries } from "./report-queries.js";
import { readReportsSettings } from "./settings.js";

export default definePlugin({
  // Resolved against this built file: dist/routes/.
  routes: new URL("./routes", import.meta.url),
  start(ctx) {
    // Read once here so a malformed REPORTS_* value fails the plugin at start, named.
    const settings = readReportsSettings(ctx.settings);
    const reports = new ReportCache({ erp: ctx.erp, cache: ctx.cache, ttls: settings.ttls });
    ctx.register(REPORT_CACHE, reports);
    // The PDF font is read here, once: a missing font package fails the plugin at start.
    ctx.register(
      EXPORTS_SERVICE,
      new ReportExports({ erp: ctx.erp, reports, fonts: loadPdfFonts() }),
    );
    ctx.services.provide("reports.queries", reportQueries(reports));
    ctx.logger.info({ ttls: settings.ttls }, "Reports plugin started");
  },
});
