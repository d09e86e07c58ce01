// The loop `report-hit-instructions.mjs` counts: the kernel serving the cached dashboard's
// `defineCachedReport` declaration on an L1 hit (grant, the plugin's `prepare`, key, L1
// peek through the plugin's namespaced cache, headers, the kept body), in-process, on a
// reply that only records, `HITS` times (argv[2]) after `WARMUP` (argv[3]) warm-up hits. No HTTP,
// no timers: what it counts is the report's own part of a cached request and nothing
// the wall clock drives.
import { createInterface } from "node:readline";
import { cachedReportDeclarationOf } from "@roa2web/plugin-sdk";
import { createCache } from "../kernel/core/src/cache/create-cache.js";
import { serveCachedReport } from "../kernel/core/src/http/cached-report-route.js";
import { DEFAULT_TTLS } from "../plugins/reports/src/cache-policy.js";
import { ReportCache } from "../plugins/reports/src/report-cache.js";
import { reportRoute } from "../plugins/reports/src/report-route.js";
import { dashboardReport } from "../plugins/reports/src/reports/dashboard.js";
import { emptyBooksErp } from "./empty-books-erp.js";

const hits = Number(process.argv[2] ?? 0);
const warmup = Number(process.argv[3] ?? 5_000);
/** Every month closed: the answer lives a day. */
const erp = emptyBooksErp(12);

const cache = await createCache({ url: "memory://" });
const namespaced = cache.namespaced("reports");
const reports = new ReportCache({ erp, cache: namespaced, ttls: DEFAULT_TTLS });
const period = "2025-06";
const url = `/api/reports/dashboard?company=1&period=${period}`;
const raw = url.slice(url.indexOf("?") + 1);
/**
 * As Fastify hands it: the raw URL, and a fresh query object per request whose strings
 * are fresh too, cut from the query string as the router's parser does (equal to the
 * last request's, never the same string object: comparing them costs what it costs).
 */
const request = () => ({
  query: { company: Number(raw.slice(8, 9)), period: raw.slice(17) },
  url,
  user: signedIn,
  headers: {},
  id: "bench",
});
const signedIn = Object.freeze({ companies: Object.freeze([1, 2]), permissions: [] });
const reply = {
  header: () => reply,
  code: () => reply,
  type: () => reply,
  serialize: (payload: unknown) => JSON.stringify(payload),
};
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
const serve = served as (request: unknown, reply: unknown) => unknown;
await serve(request(), reply); // MISS: computes and caches
await serve(request(), reply); // the period is remembered from here on
const check = serve(request(), reply);
if (!Buffer.isBuffer(check)) throw new Error("the kernel did not answer the hit synchronously");
for (let i = 0; i < warmup; i++) serve(request(), reply);
// The counter turns counting on while this process waits for a line on stdin, and
// off while it waits again: only the hits are counted.
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
console.log("ready");
await lines.next();
let bytes = 0;
for (let i = 0; i < hits; i++) bytes += (serve(request(), reply) as Buffer).length;
console.log(JSON.stringify({ hits, bytes }));
await lines.next();
await cache.close();
process.exit(0);
