/** GET /api/reports/cache/stats and POST /api/reports/cache/invalidate (reports:cache-admin). */
import { defineRoutes } from "@roa2web/plugin-sdk";
import { invalidationPrefixes, type ReportName } from "../cache-policy.js";
import { REPORT_CACHE, type ReportCache } from "../report-cache.js";
import { cacheInvalidateSchema, cacheStatsSchema } from "../schemas.js";
import { readReportsSettings } from "../settings.js";

interface InvalidateBody {
  report?: ReportName;
  company?: number;
}

export default defineRoutes(async (app, { plugin }) => {
  const { ttls } = readReportsSettings(plugin.settings);
  const reports = plugin.resolve<ReportCache>(REPORT_CACHE);

  app.get(
    "/cache/stats",
    { config: { access: "reports:cache-admin" }, schema: cacheStatsSchema },
    async () => ({
      ...(await plugin.cache.stats()),
      ttl_ms: { closed: ttls.closedMs, open: ttls.openMs },
    }),
  );

  app.post<{ Body: InvalidateBody | undefined }>(
    "/cache/invalidate",
    { config: { access: "reports:cache-admin" }, schema: cacheInvalidateSchema },
    async (request) => {
      const { report, company } = request.body ?? {};
      let removed = 0;
      for (const prefix of invalidationPrefixes(report, company)) {
        removed += await plugin.cache.invalidatePrefix(prefix);
      }
      // Resolved periods come from the company's period facts, which an invalidation of
      // everything drops too: forget them on any invalidation, so none outlives its facts.
      reports.forgetResolutions();
      plugin.logger.info(
        { reqId: request.id, report, company, removed, by: request.user?.username },
        "Report cache invalidated",
      );
      return { removed };
    },
  );
});
