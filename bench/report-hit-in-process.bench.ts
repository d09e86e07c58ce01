// The reports plugin's own share of a cached dashboard request (an L1 hit), without
// HTTP, so the machine's noise does not drown a microsecond: the service's async path
// (`ReportCache.serve`, whose cache `wrap` resolves a promise even on an L1 hit)
// against the kernel serving the route's `defineCachedReport` declaration (a
// synchronous `prepare` from the remembered period and an L1 peek, headers and the
// kept body included) on a reply that only records. Run on demand:
//   npx -y pnpm@10.34.9 exec vitest bench --run bench/report-hit-in-process.bench.ts
import { cachedReportDeclarationOf } from "@roa2web/plugin-sdk";
import { bench, describe } from "vitest";
import type { PeriodParams } from "../contracts/reports-contract/src/index.js";
import { createCache } from "../kernel/core/src/cache/create-cache.js";
import { serveCachedReport } from "../kernel/core/src/http/cached-report-route.js";
import { DEFAULT_TTLS } from "../plugins/reports/src/cache-policy.js";
import { ReportCache } from "../plugins/reports/src/report-cache.js";
import { reportRoute } from "../plugins/reports/src/report-route.js";
import { dashboardReport } from "../plugins/reports/src/reports/dashboard.js";
import { emptyBooksErp } from "./empty-books-erp.js";

/** Nothing closed. */
const erp = emptyBooksErp(0);

const cache = await createCache({ url: "memory://" });
const namespaced = cache.namespaced("reports");
const reports = new ReportCache({ erp, cache: namespaced, ttls: DEFAULT_TTLS });
const request = {
  query: { company: 1, period: new Date().toISOString().slice(0, 7) } as PeriodParams,
  url: "/api/reports/dashboard",
  user: Object.freeze({ companies: Object.freeze([1, 2]) }) as never,
  headers: {},
  id: "bench",
};
const reply = {
  header: () => reply,
  code: () => reply,
  type: () => reply,
  serialize: (payload: unknown) => JSON.stringify(payload),
};

const asyncPath = (req: typeof request) => reports.serve(dashboardReport, req.query, req.user);
const declaration = cachedReportDeclarationOf(
  reportRoute(
    reports,
    dashboardReport,
    () => {
      throw new Error("no files here");
    },
    console as never,
  ),
);
if (!declaration) throw new Error("the dashboard route is not a cached report declaration");
const served = serveCachedReport(declaration, namespaced);
await asyncPath(request); // MISS: computes and caches
if (!Buffer.isBuffer(served(request, reply)))
  throw new Error("the kernel did not answer the hit synchronously");

// Long runs: other work on the machine shifts a short one by tens of percent.
const options = { time: 3000, warmupTime: 500 };
describe("cached dashboard, L1 hit, plugin only", () => {
  bench(
    "ReportCache.serve (await wrap, no headers)",
    async () => {
      await asyncPath(request);
    },
    options,
  );
  bench(
    "kernel-served declaration (sync L1 hit, with headers)",
    () => {
      served(request, reply);
    },
    options,
  );
});
