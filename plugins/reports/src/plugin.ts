/**
 * The reports plugin's code half (the static half is `roa2web` in package.json):
 * read-only reports over the kernel's `erp`, served through the kernel cache, the
 * `reports.queries` service for other plugins (the Telegram bot), and a company's
 * cached figures dropped when one of its receipts is approved in data entry.
 */
import { receiptApproved } from "@roa2web/data-entry-contract";
import { coreServices, definePlugin } from "@roa2web/plugin-sdk";
import { reportsQueries } from "@roa2web/reports-contract";
import { loadPdfFonts } from "./export/pdf-writer.js";
import { ReportExports } from "./export/report-exports.js";
import { ReportCache } from "./report-cache.js";
import { reportQueriesFor } from "./report-queries.js";
import { readReportsSettings } from "./settings.js";

export const plugin = definePlugin({
  deps: {
    erp: coreServices.erp,
    cache: coreServices.cache,
    logger: coreServices.logger,
    settings: coreServices.settings,
  },
  // Resolved against this built file: dist/routes/.
  routes: new URL("./routes", import.meta.url),
  start({ erp, cache, logger, settings }, { provide, events }) {
    // Read here so a malformed REPORTS_* value fails the plugin at start, named.
    const { ttls } = readReportsSettings(settings);
    const reports = new ReportCache({ erp, cache, ttls });
    // The PDF font is read here, once: a missing font package fails the plugin at start.
    const exports = new ReportExports({ erp, reports, fonts: loadPdfFonts() });
    provide(reportsQueries, (caller) => reportQueriesFor(reports, caller));
    // An approved receipt is booked in the ERP: that company's cached figures are stale.
    events.on(receiptApproved, async ({ companyId, receiptId }, { sender }) => {
      const removed = await reports.dropCompany(companyId);
      logger.info(
        { company: companyId, receipt: receiptId, sender, removed },
        "Cached reports of the company dropped after a receipt approval",
      );
    });
    logger.info({ ttls }, "Reports plugin started");
    return { reports, exports, ttls };
  },
});

export default plugin;
