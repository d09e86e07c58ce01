// The reports plugin's own share of a cached dashboard request (an L1 hit), without
// HTTP, so the machine's noise does not drown a microsecond: the earlier route (an
// async handler awaiting the service's async method, whose cache `wrap` resolves a
// promise even on an L1 hit) against the shared `cachedReportHandler` (a synchronous
// `peek` answering from the memo and the cache's L1). Both send through
// `withCacheHeaders` to a reply that only records. Run on demand:
//   npx -y pnpm@10.34.9 exec vitest bench --run bench/report-hit-in-process.bench.ts
import type { ErpClient } from "@roa2web/plugin-sdk";
import { bench, describe } from "vitest";
import { createCache } from "../kernel/core/src/cache/create-cache.js";
import { callerOf } from "../plugins/reports/src/access.js";
import { withCacheHeaders } from "../plugins/reports/src/cache-headers.js";
import { DEFAULT_TTLS } from "../plugins/reports/src/cache-policy.js";
import type { PeriodParams } from "../plugins/reports/src/contract.js";
import { ReportCache } from "../plugins/reports/src/report-cache.js";
import { cachedReportHandler } from "../plugins/reports/src/report-handler.js";
import { dashboardReport } from "../plugins/reports/src/reports/dashboard.js";

/** Company 1 exists, nothing is closed, the books are empty: enough for a dashboard. */
const erp = {
  dialect: "sqlite",
  async queryOne(sql: string) {
    return sql.includes("FROM companies c")
      ? { id: 1, code: "NORD", name: "Nord SRL", closed_months: 0 }
      : undefined;
  },
  async query() {
    return [];
  },
  stream() {
    throw new Error("not used");
  },
} as unknown as ErpClient;

const cache = await createCache({ url: "memory://" });
const reports = new ReportCache({ erp, cache: cache.namespaced("reports"), ttls: DEFAULT_TTLS });
const request = {
  query: { company: 1, period: new Date().toISOString().slice(0, 7) } as PeriodParams,
  user: Object.freeze({ companies: Object.freeze([1, 2]) }) as never,
  headers: {},
};
const reply = {
  header: () => reply,
  code: () => reply,
  type: () => reply,
  serialize: (payload: unknown) => JSON.stringify(payload),
};

const asyncRoute = async (req: typeof request, rep: typeof reply) =>
  withCacheHeaders(req, rep, await reports.serve(dashboardReport, req.query, callerOf(req)));
const sharedHandler = cachedReportHandler(reports, dashboardReport);
await asyncRoute(request, reply); // MISS: computes and caches
const warm = sharedHandler(request, reply);
if (!Buffer.isBuffer(warm))
  throw new Error("the shared handler did not answer the hit synchronously");

// Long runs: other work on the machine shifts a short one by tens of percent.
const options = { time: 3000, warmupTime: 500 };
describe("cached dashboard, L1 hit, plugin only", () => {
  bench(
    "async route (await wrap)",
    async () => {
      await asyncRoute(request, reply);
    },
    options,
  );
  bench(
    "cachedReportHandler (sync peek)",
    () => {
      sharedHandler(request, reply);
    },
    options,
  );
});
