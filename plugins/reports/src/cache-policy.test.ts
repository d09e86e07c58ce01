import { describe, expect, it } from "vitest";
import {
  ageSeconds,
  chooseTtl,
  DEFAULT_TTLS,
  invalidationPrefixes,
  reportCacheKey,
  scopeKey,
} from "./cache-policy.js";

describe("cache policy", () => {
  it("keeps closed periods long and open ones briefly", () => {
    expect(chooseTtl(true, DEFAULT_TTLS)).toBe(86_400_000);
    expect(chooseTtl(false, DEFAULT_TTLS)).toBe(60_000);
  });

  it("builds the same key for the same question, whatever the filter order", () => {
    const base = { report: "invoices", company: 2, from: "2025-06-01", to: "2025-06-30" } as const;
    const a = reportCacheKey({
      ...base,
      filters: { type: "client", status: "unpaid" },
      scope: "all",
    });
    const b = reportCacheKey({
      ...base,
      filters: { status: "unpaid", partner: undefined, type: "client" },
      scope: "all",
    });
    expect(a).toBe(b);
    expect(a).toBe("invoices:2:2025-06-01..2025-06-30:status=unpaid&type=client:all");
    expect(reportCacheKey({ ...base, filters: { type: "a:b&c=d" }, scope: "1.2" })).toBe(
      "invoices:2:2025-06-01..2025-06-30:type=a%3Ab%26c%3Dd:1.2",
    );
    // Numbers, and names listed out of order, give what encodeURIComponent and a sort give.
    expect(
      reportCacheKey({ ...base, filters: { page: 2, as_of: "x y", size: 1e21 }, scope: "all" }),
    ).toBe("invoices:2:2025-06-01..2025-06-30:as_of=x%20y&page=2&size=1e%2B21:all");
  });

  it("puts the caller's data scope in the key", () => {
    expect(scopeKey("*")).toBe("all");
    expect(scopeKey([3, 1, 3])).toBe("1.3");
    expect(scopeKey([])).toBe("none");
    // A frozen list's key is remembered; a list that can change is read every time.
    const frozen = Object.freeze([2, 1]);
    expect(scopeKey(frozen)).toBe("1.2");
    expect(scopeKey(frozen)).toBe("1.2");
    const changing = [2, 1];
    expect(scopeKey(changing)).toBe("1.2");
    changing.push(3);
    expect(scopeKey(changing)).toBe("1.2.3");
  });

  it("invalidates by report and/or company through prefixes", () => {
    expect(invalidationPrefixes("dashboard", 2)).toEqual(["dashboard:2:"]);
    expect(invalidationPrefixes("dashboard")).toEqual(["dashboard:"]);
    expect(invalidationPrefixes(undefined, 2)).toContain("trial-balance:2:");
    expect(invalidationPrefixes(undefined, 2)).toHaveLength(5);
    expect(invalidationPrefixes()).toEqual([""]);
  });

  it("gives the age in whole seconds, never negative", () => {
    expect(ageSeconds(1_000, 3_999)).toBe(2);
    expect(ageSeconds(5_000, 4_000)).toBe(0);
  });
});
