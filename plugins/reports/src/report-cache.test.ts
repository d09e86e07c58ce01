/**
 * The report cache's remembered period resolutions, over the kernel's real cache and
 * a fake ERP that answers only the company/period facts: what a cached report may take
 * from the memo (dates, company, closed state) and what it never may (the caller's
 * grant), and when the memo lets go (the facts' minute, a new day, an invalidation).
 */
import { createTestCache, type TestCache } from "@roa2web/kernel/testing";
import { type CacheService, CompanyNotAllowedError, type ErpClient } from "@roa2web/plugin-sdk";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DEFAULT_TTLS } from "./cache-policy.js";
import { InvalidParameterError, UnknownCompanyError } from "./errors.js";
import { PERIOD_FACTS_TTL_MS } from "./period-resolver.js";
import { ReportCache } from "./report-cache.js";
import { agingReport } from "./reports/aging.js";
import { dashboardReport } from "./reports/dashboard.js";
import { invoicesReport } from "./reports/invoices.js";
import { treasuryReport } from "./reports/treasury.js";
import { trialBalanceReport } from "./reports/trial-balance.js";

const START = Date.parse("2025-07-10T12:00:00Z");

/** The companies table and how many months of any range each has closed. */
class FakeErp implements ErpClient {
  readonly dialect = "sqlite" as const;
  companies = new Map([
    [1, { code: "NORD", name: "Nord SRL", closedMonths: 0 }],
    [2, { code: "DUNA", name: "Duna SA", closedMonths: 0 }],
  ]);
  factQueries = 0;

  async queryOne<T>(sql: string, binds?: Record<string, unknown>): Promise<T | undefined> {
    if (!sql.includes("FROM companies c")) throw new Error(`unexpected query: ${sql}`);
    this.factQueries += 1;
    const company = this.companies.get(Number(binds?.company));
    if (!company) return undefined;
    return {
      id: binds?.company,
      code: company.code,
      name: company.name,
      closed_months: company.closedMonths,
    } as T;
  }

  async query<T>(sql: string): Promise<T[]> {
    throw new Error(`unexpected query: ${sql}`);
  }

  stream<T>(sql: string): AsyncIterable<T> {
    throw new Error(`unexpected query: ${sql}`);
  }
}

let cache: TestCache;
let erp: FakeErp;
let reports: ReportCache;

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(START);
  cache = await createTestCache();
  erp = new FakeErp();
  reports = new ReportCache({ erp, cache: cache.namespaced("reports"), ttls: DEFAULT_TTLS });
});
afterEach(async () => {
  await cache.close();
  vi.useRealTimers();
});

const everyCompany = { companies: "*" } as const;

describe("remembered period resolutions", () => {
  it("answers a repeated request without asking for the facts again, for the right company", async () => {
    const first = await reports.resolve({ company: 1, period: "2025-06" }, everyCompany);
    const again = await reports.resolve({ company: 1, period: "2025-06" }, everyCompany);
    expect(again).toEqual(first);
    expect(again.company).toEqual({ id: 1, code: "NORD", name: "Nord SRL" });
    expect(again.view).toEqual({
      from: "2025-06-01",
      to: "2025-06-30",
      label: "2025-06",
      as_of: "2025-06-30",
      closed: false,
    });
    const other = await reports.resolve({ company: 2, period: "2025-06" }, everyCompany);
    expect(other.company).toEqual({ id: 2, code: "DUNA", name: "Duna SA" });
  });

  it("checks the caller's grant on every request, remembered or not", async () => {
    await reports.resolve({ company: 1, period: "2025-06" }, everyCompany);
    await expect(
      reports.resolve({ company: 1, period: "2025-06" }, { companies: [2] }),
    ).rejects.toBeInstanceOf(CompanyNotAllowedError);
    await expect(
      reports.resolve({ company: 1, period: "2025-06" }, { companies: [1] }),
    ).resolves.toMatchObject({ company: { id: 1 } });
  });

  it("never turns an invalid input into a remembered valid one", async () => {
    await reports.resolve({ company: 1, period: "2025-06" }, everyCompany);
    await expect(
      reports.resolve({ company: 1, period: "2025-06", from: "", to: "" }, everyCompany),
    ).rejects.toBeInstanceOf(InvalidParameterError);
  });

  it("does not remember an unknown company", async () => {
    await expect(
      reports.resolve({ company: 3, period: "2025-06" }, everyCompany),
    ).rejects.toBeInstanceOf(UnknownCompanyError);
    erp.companies.set(3, { code: "CARP", name: "Carp SRL", closedMonths: 0 });
    await cache.invalidatePrefix(""); // the cached "does not exist" goes too
    await expect(
      reports.resolve({ company: 3, period: "2025-06" }, everyCompany),
    ).resolves.toMatchObject({ company: { code: "CARP" } });
  });

  it("lives exactly as long as the period facts: a month closed meanwhile shows after that minute", async () => {
    const input = { company: 1, period: "2025-06" };
    expect((await reports.resolve(input, everyCompany)).view.closed).toBe(false);
    erp.companies.set(1, { code: "NORD", name: "Nord SRL", closedMonths: 1 });

    vi.setSystemTime(START + PERIOD_FACTS_TTL_MS);
    const stillCached = await reports.resolve(input, everyCompany);
    expect(stillCached.view.closed).toBe(false);
    expect(stillCached.ttlMs).toBe(DEFAULT_TTLS.openMs);
    expect(erp.factQueries).toBe(1);

    vi.setSystemTime(START + PERIOD_FACTS_TTL_MS + 1);
    const fresh = await reports.resolve(input, everyCompany);
    expect(fresh.view.closed).toBe(true);
    expect(fresh.ttlMs).toBe(DEFAULT_TTLS.closedMs);
    expect(erp.factQueries).toBe(2);
  });

  it("keeps the dashboard's 12-month span apart from the period's own", async () => {
    // One closed month: enough for June alone, not for the year the dashboard spans.
    erp.companies.set(1, { code: "NORD", name: "Nord SRL", closedMonths: 1 });
    const input = { company: 1, period: "2025-06" };
    expect((await reports.resolve(input, everyCompany, "series")).view.closed).toBe(false);
    expect((await reports.resolve(input, everyCompany)).view.closed).toBe(true);
    expect((await reports.resolve(input, everyCompany, "series")).view.closed).toBe(false);
  });

  it("moves the as-of date on when the UTC day changes, within the facts' minute", async () => {
    vi.setSystemTime(Date.parse("2025-07-10T23:59:59Z"));
    const input = { company: 1, period: "2025-07" };
    expect((await reports.resolve(input, everyCompany)).view.as_of).toBe("2025-07-10");
    vi.setSystemTime(Date.parse("2025-07-11T00:00:01Z"));
    const nextDay = await reports.resolve(input, everyCompany);
    expect(nextDay.view.as_of).toBe("2025-07-11");
    expect(nextDay.asOfUntil).toBe("2025-07-12");
  });

  it("forgets everything when told (after a cache invalidation)", async () => {
    const input = { company: 1, period: "2025-06" };
    await reports.resolve(input, everyCompany);
    erp.companies.set(1, { code: "NORD", name: "Nord SRL", closedMonths: 1 });
    await cache.invalidatePrefix("");
    // The facts are gone from the cache but the memo still holds what they said.
    expect((await reports.resolve(input, everyCompany)).view.closed).toBe(false);
    reports.forgetResolutions();
    expect((await reports.resolve(input, everyCompany)).view.closed).toBe(true);
  });

  it("hands out frozen resolutions, shared by every request", async () => {
    const resolved = await reports.resolve({ company: 1, period: "2025-06" }, everyCompany);
    expect(Object.isFrozen(resolved)).toBe(true);
    expect(Object.isFrozen(resolved.view)).toBe(true);
    expect(Object.isFrozen(resolved.period)).toBe(true);
  });
});

/** The fake ERP, also answering every report's own queries with no rows. */
class EmptyBooksErp extends FakeErp {
  reportQueries = 0;

  override async queryOne<T>(sql: string, binds?: Record<string, unknown>) {
    if (sql.includes("FROM companies c")) return super.queryOne<T>(sql, binds);
    this.reportQueries += 1;
    return undefined;
  }

  override async query<T>(): Promise<T[]> {
    this.reportQueries += 1;
    return [];
  }
}

describe("preparing a cached report without awaiting (what the kernel's L1 hit needs)", () => {
  let books: EmptyBooksErp;
  let namespaced: CacheService;
  beforeEach(() => {
    books = new EmptyBooksErp();
    // One closed month: every report of June is closed (a day's TTL) but the dashboard,
    // whose 12-month span is open (a minute).
    books.companies.set(1, { code: "NORD", name: "Nord SRL", closedMonths: 1 });
    namespaced = cache.namespaced("reports");
    reports = new ReportCache({ erp: books, cache: namespaced, ttls: DEFAULT_TTLS });
  });

  const june = { company: 1, period: "2025-06" };
  /** What `prepare` answered, when it answered at once. */
  function ready<T>(value: T | Promise<T>): T {
    if (value instanceof Promise) throw new Error("prepare answered a promise");
    return value;
  }
  // Each report's async path and its preparation, over the same (defaulted) filters.
  const pairs = [
    [
      "dashboard",
      () => reports.serve(dashboardReport, june, everyCompany),
      () => reports.prepare(dashboardReport, june, everyCompany),
    ],
    [
      "invoices",
      () => reports.serve(invoicesReport, { ...june, type: "client" }, everyCompany),
      () => reports.prepare(invoicesReport, { ...june, type: "client" }, everyCompany),
    ],
    [
      "aging",
      () => reports.serve(agingReport, { ...june, type: "supplier" }, everyCompany),
      () => reports.prepare(agingReport, { ...june, type: "supplier" }, everyCompany),
    ],
    [
      "treasury",
      () => reports.serve(treasuryReport, { ...june, page: 2 }, everyCompany),
      () => reports.prepare(treasuryReport, { ...june, page: 2 }, everyCompany),
    ],
    [
      "trial balance",
      () => reports.serve(trialBalanceReport, june, everyCompany),
      () => reports.prepare(trialBalanceReport, june, everyCompany),
    ],
  ] as const;

  it.each(pairs)(
    "%s: a promise before the period is known, then at once, keyed as the async path stored it",
    async (_name, serve, prepare) => {
      const first = prepare();
      expect(first).toBeInstanceOf(Promise);
      const miss = await serve();
      expect(miss.source).toBe("MISS");
      const prepared = ready(prepare());
      expect(prepared.key).toBe((await first).key);
      const hit = namespaced.peekL1(prepared.key);
      expect(hit?.value).toBe(miss.report); // the very same frozen value
      expect(await serve()).toEqual({
        report: miss.report,
        source: "HIT-L1",
        storedAt: miss.storedAt,
      });
      expect(books.factQueries).toBe(1);
    },
  );

  it("checks the grant and keeps callers' scopes apart, as the async path does", async () => {
    await reports.serve(dashboardReport, june, everyCompany);
    expect(() => reports.prepare(dashboardReport, june, { companies: [2] })).toThrow(
      CompanyNotAllowedError,
    );
    // Granted, but another scope: another cache entry, not there yet.
    const scoped = ready(reports.prepare(dashboardReport, june, { companies: [1] }));
    expect(scoped.key).not.toBe(ready(reports.prepare(dashboardReport, june, everyCompany)).key);
    expect(namespaced.peekL1(scoped.key)).toBeUndefined();
    await reports.serve(dashboardReport, june, { companies: [1] });
    expect(namespaced.peekL1(scoped.key)?.source).toBe("HIT-L1");
  });

  it("refuses bad filters first, remembered period or not", async () => {
    await reports.serve(invoicesReport, { ...june, type: "client" }, everyCompany);
    expect(() =>
      reports.prepare(invoicesReport, { ...june, type: "other" as "client" }, everyCompany),
    ).toThrow(InvalidParameterError);
    expect(() =>
      reports.prepare(agingReport, { ...june, type: "other" as "client" }, everyCompany),
    ).toThrow(InvalidParameterError);
    expect(() => reports.prepare(treasuryReport, { ...june, page_size: 0 }, everyCompany)).toThrow(
      InvalidParameterError,
    );
    expect(() =>
      reports.prepare(trialBalanceReport, { ...june, level: "middle" as "analytic" }, everyCompany),
    ).toThrow(InvalidParameterError);
  });

  it("is not answered from L1 after an invalidation, and needs the period again once forgotten", async () => {
    await reports.serve(trialBalanceReport, june, everyCompany);
    await cache.invalidatePrefix("reports:trial-balance:");
    // The period is still remembered, the report is gone from L1.
    const prepared = ready(reports.prepare(trialBalanceReport, june, everyCompany));
    expect(namespaced.peekL1(prepared.key)).toBeUndefined();
    await reports.serve(trialBalanceReport, june, everyCompany);
    reports.forgetResolutions();
    expect(reports.prepare(trialBalanceReport, june, everyCompany)).toBeInstanceOf(Promise);
    expect((await reports.serve(trialBalanceReport, june, everyCompany)).source).toBe("HIT-L1");
  });

  it("needs the period again once the remembered one expires", async () => {
    const aging = { ...june, type: "client" as const };
    await reports.serve(agingReport, aging, everyCompany);
    vi.setSystemTime(START + PERIOD_FACTS_TTL_MS + 1);
    // A closed period's report lives a day, but its resolution only the facts' minute.
    expect(reports.prepare(agingReport, aging, everyCompany)).toBeInstanceOf(Promise);
    expect((await reports.serve(agingReport, aging, everyCompany)).source).toBe("HIT-L1");
    expect(books.factQueries).toBe(2);
    const prepared = ready(reports.prepare(agingReport, aging, everyCompany));
    expect(namespaced.peekL1(prepared.key)?.source).toBe("HIT-L1");

    vi.setSystemTime(START + DEFAULT_TTLS.closedMs + 1);
    expect((await reports.serve(agingReport, aging, everyCompany)).source).toBe("MISS");
  });
});

describe("dropping one company's cached figures", () => {
  it("recomputes that company's reports, and keeps the other companies'", async () => {
    const books = new EmptyBooksErp();
    reports = new ReportCache({
      erp: books,
      cache: cache.namespaced("reports"),
      ttls: DEFAULT_TTLS,
    });
    const june = { period: "2025-06" };
    await reports.serve(dashboardReport, { company: 1, ...june }, everyCompany);
    await reports.serve(
      invoicesReport,
      { company: 1, ...june, type: "client" },
      { companies: [1] },
    );
    await reports.serve(dashboardReport, { company: 2, ...june }, everyCompany);
    const loads = books.reportQueries;

    expect(await reports.dropCompany(1)).toBe(2);
    const again = await reports.serve(dashboardReport, { company: 1, ...june }, everyCompany);
    expect(again.source).toBe("MISS");
    expect(books.reportQueries).toBeGreaterThan(loads);
    expect(
      (
        await reports.serve(
          invoicesReport,
          { company: 1, ...june, type: "client" },
          { companies: [1] },
        )
      ).source,
    ).toBe("MISS");
    expect(
      (await reports.serve(dashboardReport, { company: 2, ...june }, everyCompany)).source,
    ).toBe("HIT-L1");
  });
});

describe("a frozen query (the kernel hands the same one for the same query string)", () => {
  let namespaced: CacheService;
  beforeEach(() => {
    namespaced = cache.namespaced("reports");
    reports = new ReportCache({ erp: new EmptyBooksErp(), cache: namespaced, ttls: DEFAULT_TTLS });
  });

  const june = Object.freeze({ company: 1, period: "2025-06" });
  const onlyFirst = { companies: Object.freeze([1]) };
  function ready<T>(value: T | Promise<T>): T {
    if (value instanceof Promise) throw new Error("prepare answered a promise");
    return value;
  }

  it("is prepared once per data scope: the same prepared request and key string each time", async () => {
    await reports.serve(dashboardReport, june, everyCompany);
    const first = ready(reports.prepare(dashboardReport, june, everyCompany));
    expect(ready(reports.prepare(dashboardReport, june, everyCompany))).toBe(first);
    const scoped = ready(reports.prepare(dashboardReport, june, onlyFirst));
    expect(scoped).not.toBe(first);
    expect(scoped.key).not.toBe(first.key);
    expect(ready(reports.prepare(dashboardReport, june, onlyFirst))).toBe(scoped);
    // Another report over the same query is its own question.
    await reports.serve(trialBalanceReport, june, everyCompany);
    const trial = ready(reports.prepare(trialBalanceReport, june, everyCompany));
    expect(trial.key).toMatch(/^trial-balance:1:/);
    expect(ready(reports.prepare(dashboardReport, june, everyCompany)).key).toBe(first.key);
    // A query that is not frozen could change: prepared afresh each time.
    const open = { company: 1, period: "2025-06" };
    expect(ready(reports.prepare(dashboardReport, open, everyCompany))).not.toBe(
      ready(reports.prepare(dashboardReport, open, everyCompany)),
    );
  });

  it("still checks every caller's grant", async () => {
    await reports.serve(dashboardReport, june, everyCompany);
    ready(reports.prepare(dashboardReport, june, everyCompany));
    for (let attempt = 0; attempt < 2; attempt++) {
      expect(() =>
        reports.prepare(dashboardReport, june, { companies: Object.freeze([2]) }),
      ).toThrow(CompanyNotAllowedError);
    }
  });

  it("lets go when the period does: expired, a new day, or forgotten", async () => {
    await reports.serve(dashboardReport, june, everyCompany);
    const before = ready(reports.prepare(dashboardReport, june, everyCompany));
    reports.forgetResolutions();
    expect(reports.prepare(dashboardReport, june, everyCompany)).toBeInstanceOf(Promise);
    await reports.serve(dashboardReport, june, everyCompany);
    expect(ready(reports.prepare(dashboardReport, june, everyCompany)).key).toBe(before.key);

    vi.setSystemTime(START + PERIOD_FACTS_TTL_MS + 1);
    expect(reports.prepare(dashboardReport, june, everyCompany)).toBeInstanceOf(Promise);

    // June seen on 1 July: the as-of date is the period's end either way; a period
    // still running moves its as-of date (and key) with the day.
    const july = Object.freeze({ company: 1, period: "2025-07" });
    await reports.serve(dashboardReport, july, everyCompany);
    const today = ready(reports.prepare(dashboardReport, july, everyCompany));
    vi.setSystemTime(START + 24 * 60 * 60 * 1000);
    await reports.serve(dashboardReport, july, everyCompany);
    const tomorrow = ready(reports.prepare(dashboardReport, july, everyCompany));
    expect(tomorrow.key).not.toBe(today.key);
    expect(tomorrow.resolved.view.as_of).toBe("2025-07-11");
  });

  it("is answered afresh after the company's figures are dropped (a receipt approved)", async () => {
    await reports.serve(dashboardReport, june, everyCompany);
    const prepared = ready(reports.prepare(dashboardReport, june, everyCompany));
    expect(namespaced.peekL1(prepared.key)?.source).toBe("HIT-L1");
    expect(await reports.dropCompany(1)).toBe(1);
    expect(ready(reports.prepare(dashboardReport, june, everyCompany))).toBe(prepared);
    expect(namespaced.peekL1(prepared.key)).toBeUndefined();
    expect((await reports.serve(dashboardReport, june, everyCompany)).source).toBe("MISS");
    expect(namespaced.peekL1(prepared.key)?.source).toBe("HIT-L1");
  });
});
