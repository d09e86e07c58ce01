/** GET /api/reports/cache/stats and POST /api/reports/cache/invalidate (reports:cache-admin). */
import { defineRoutes } from "@roa2web/plugin-sdk";
import { invalidationPrefixes, type ReportName } from "../cache-policy.js";
import type { plugin } from "../plugin.js";
import { cacheInvalidateSchema, cacheStatsSchema } from "../schemas.js";

interface InvalidateBody {
  report?: ReportName;
  company?: number;
}

export default defineRoutes<typeof plugin>(async (app, { deps, state }) => {
  app.get(
    "/cache/stats",
    { config: { access: "reports:cache-admin" }, schema: cacheStatsSchema },
    async () => ({
      ...(await deps.cache.stats()),
      ttl_ms: { closed: state.ttls.closedMs, open: state.ttls.openMs },
    }),
  );

  app.post<{ Body: InvalidateBody | undefined }>(
    "/cache/invalidate",
    { config: { access: "reports:cache-admin" }, schema: cacheInvalidateSchema },
    async (request) => {
      const { report, company } = request.body ?? {};
      let removed = 0;
      for (const prefix of invalidationPrefixes(report, company)) {
        removed += await deps.cache.invalidatePrefix(prefix);
      }
      // Resolved periods come from the company's period facts, which an invalidation of
      // everything drops too: forget them on any invalidation, so none outlives its facts.
      state.reports.forgetResolutions();
      deps.logger.info(
        { reqId: request.id, report, company, removed, by: request.user?.username },
        "Report cache invalidated",
      );
      return { removed };
    },
  );
});
