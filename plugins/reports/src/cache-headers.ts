/** Puts a cached report's origin and age on the response (`X-Cache`, `Age`). */
import { ageSeconds } from "./cache-policy.js";
import type { CachedReport } from "./contract.js";

export function withCacheHeaders<T>(
  reply: { header(name: string, value: string | number): unknown },
  cached: CachedReport<T>,
): T {
  reply.header("X-Cache", cached.source);
  reply.header("Age", cached.source === "MISS" ? 0 : ageSeconds(cached.storedAt, Date.now()));
  return cached.report;
}
