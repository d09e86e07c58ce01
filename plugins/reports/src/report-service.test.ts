/**
 * The report service's remembered period resolutions, over the kernel's real cache and
 * a fake ERP that answers only the company/period facts: what a cached report may take
 * from the memo (dates, company, closed state) and what it never may (the caller's
 * grant), and when the memo lets go (the facts' minute, a new day, an invalidation).
 */
import { createTestCache, type TestCache } from "@roa2web/kernel/testing";
import type { ErpClient } from "@roa2web/plugin-sdk";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DEFAULT_TTLS } from "./cache-policy.js";
import { CompanyNotGrantedError, InvalidParameterError, UnknownCompanyError } from "./errors.js";
import { PERIOD_FACTS_TTL_MS, ReportService } from "./report-service.js";

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
let reports: ReportService;

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(START);
  cache = await createTestCache();
  erp = new FakeErp();
  reports = new ReportService({ erp, cache: cache.namespaced("reports"), ttls: DEFAULT_TTLS });
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
    ).rejects.toBeInstanceOf(CompanyNotGrantedError);
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

describe("answering a cached report without awaiting (peek…)", () => {
  let books: EmptyBooksErp;
  beforeEach(() => {
    books = new EmptyBooksErp();
    // One closed month: every report of June is closed (a day's TTL) but the dashboard,
    // whose 12-month span is open (a minute).
    books.companies.set(1, { code: "NORD", name: "Nord SRL", closedMonths: 1 });
    reports = new ReportService({
      erp: books,
      cache: cache.namespaced("reports"),
      ttls: DEFAULT_TTLS,
    });
  });

  const june = { company: 1, period: "2025-06" };
  // Each report's async method and its peek, over the same (defaulted) filters.
  const pairs = [
    [
      "dashboard",
      () => reports.dashboard(june, everyCompany),
      () => reports.peekDashboard(june, everyCompany),
    ],
    [
      "invoices",
      () => reports.invoices({ ...june, type: "client" }, everyCompany),
      () => reports.peekInvoices({ ...june, type: "client" }, everyCompany),
    ],
    [
      "aging",
      () => reports.aging({ ...june, type: "supplier" }, everyCompany),
      () => reports.peekAging({ ...june, type: "supplier" }, everyCompany),
    ],
    [
      "treasury",
      () => reports.treasury({ ...june, page: 2 }, everyCompany),
      () => reports.peekTreasury({ ...june, page: 2 }, everyCompany),
    ],
    [
      "trial balance",
      () => reports.trialBalance(june, everyCompany),
      () => reports.peekTrialBalance(june, everyCompany),
    ],
  ] as const;

  it.each(pairs)(
    "%s: nothing before the first answer, then the async path's L1 hit",
    async (_name, serve, peek) => {
      expect(peek()).toBeUndefined();
      expect(books.factQueries + books.reportQueries).toBe(0); // a peek never reads
      const miss = await serve();
      expect(miss.source).toBe("MISS");
      const peeked = peek();
      expect(peeked).toEqual({ report: miss.report, source: "HIT-L1", storedAt: miss.storedAt });
      expect(peeked?.report).toBe(miss.report); // the very same frozen value
      expect(await serve()).toEqual(peeked);
      expect(books.factQueries).toBe(1);
    },
  );

  it("checks the grant and keeps callers' scopes apart, as the async path does", async () => {
    await reports.dashboard(june, everyCompany);
    expect(() => reports.peekDashboard(june, { companies: [2] })).toThrow(CompanyNotGrantedError);
    // Granted, but another scope: another cache entry, not there yet.
    expect(reports.peekDashboard(june, { companies: [1] })).toBeUndefined();
    await reports.dashboard(june, { companies: [1] });
    expect(reports.peekDashboard(june, { companies: [1] })?.source).toBe("HIT-L1");
  });

  it("refuses bad filters first, remembered period or not", async () => {
    await reports.invoices({ ...june, type: "client" }, everyCompany);
    expect(() =>
      reports.peekInvoices({ ...june, type: "other" as "client" }, everyCompany),
    ).toThrow(InvalidParameterError);
    expect(() => reports.peekAging({ ...june, type: "other" as "client" }, everyCompany)).toThrow(
      InvalidParameterError,
    );
    expect(() => reports.peekTreasury({ ...june, page_size: 0 }, everyCompany)).toThrow(
      InvalidParameterError,
    );
    expect(() =>
      reports.peekTrialBalance({ ...june, level: "middle" as "analytic" }, everyCompany),
    ).toThrow(InvalidParameterError);
    // Other filters are another entry.
    expect(reports.peekInvoices({ ...june, type: "supplier" }, everyCompany)).toBeUndefined();
  });

  it("is not taken after an invalidation, with or without the memo", async () => {
    await reports.trialBalance(june, everyCompany);
    await cache.invalidatePrefix("reports:trial-balance:");
    // The period is still remembered, the report is gone from L1.
    expect(reports.peekTrialBalance(june, everyCompany)).toBeUndefined();
    await reports.trialBalance(june, everyCompany);
    reports.forgetResolutions();
    // The report is in L1, the period is forgotten.
    expect(reports.peekTrialBalance(june, everyCompany)).toBeUndefined();
    expect((await reports.trialBalance(june, everyCompany)).source).toBe("HIT-L1");
    expect(reports.peekTrialBalance(june, everyCompany)?.source).toBe("HIT-L1");
  });

  it("is not taken once the remembered period or the report expires", async () => {
    await reports.aging({ ...june, type: "client" }, everyCompany);
    vi.setSystemTime(START + PERIOD_FACTS_TTL_MS + 1);
    // A closed period's report lives a day, but its resolution only the facts' minute.
    expect(reports.peekAging({ ...june, type: "client" }, everyCompany)).toBeUndefined();
    expect((await reports.aging({ ...june, type: "client" }, everyCompany)).source).toBe("HIT-L1");
    expect(books.factQueries).toBe(2);
    expect(reports.peekAging({ ...june, type: "client" }, everyCompany)?.source).toBe("HIT-L1");

    vi.setSystemTime(START + DEFAULT_TTLS.closedMs + 1);
    expect(reports.peekAging({ ...june, type: "client" }, everyCompany)).toBeUndefined();
    expect((await reports.aging({ ...june, type: "client" }, everyCompany)).source).toBe("MISS");
  });
});
