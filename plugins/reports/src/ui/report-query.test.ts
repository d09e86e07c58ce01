import { describe, expect, it } from "vitest";
import {
  agingFiltersFromQuery,
  agingFiltersToQuery,
  DEFAULT_INVOICE_FILTERS,
  exportUrl,
  invoiceApiQuery,
  invoiceFiltersFromQuery,
  invoiceFiltersToQuery,
  invoiceReportFilters,
  queryString,
  sumMoney,
  treasuryApiQuery,
  treasuryFiltersFromQuery,
  treasuryFiltersToQuery,
  trialBalanceFiltersFromQuery,
  trialBalanceFiltersToQuery,
  trialBalanceReportFilters,
} from "./report-query.js";

const params = (text: string) => new URLSearchParams(text);
/** The query values as a URL query, like setQuery writes them. */
const asText = (values: Record<string, string | number | undefined>) =>
  queryString(values).replace(/^\?/, "");

describe("invoice filters in the address", () => {
  it("reads every filter the address holds", () => {
    expect(
      invoiceFiltersFromQuery(
        params(
          "type=supplier&status=overdue&partner=12&issued_from=2025-01-01&issued_to=2025-03-31&sort=total&direction=desc&page=3&page_size=100",
        ),
      ),
    ).toEqual({
      type: "supplier",
      status: "overdue",
      partner: 12,
      issuedFrom: "2025-01-01",
      issuedTo: "2025-03-31",
      sort: "total",
      direction: "desc",
      page: 3,
      pageSize: 100,
    });
  });

  it("falls back to the defaults for missing or malformed values", () => {
    expect(invoiceFiltersFromQuery(params(""))).toEqual(DEFAULT_INVOICE_FILTERS);
    expect(
      invoiceFiltersFromQuery(
        params(
          "type=bank&status=late&partner=-4&issued_from=2025-13-45&issued_to=yesterday&sort=drop%20table&direction=up&page=0&page_size=7",
        ),
      ),
    ).toEqual(DEFAULT_INVOICE_FILTERS);
  });

  it("reads a sort without a direction as ascending, like the API", () => {
    const filters = invoiceFiltersFromQuery(params("sort=due_date"));
    expect([filters.sort, filters.direction]).toEqual(["due_date", "asc"]);
  });

  it("writes only what differs from the defaults, and reads it back the same", () => {
    expect(asText(invoiceFiltersToQuery(DEFAULT_INVOICE_FILTERS))).toBe("");
    const filters = {
      ...DEFAULT_INVOICE_FILTERS,
      type: "supplier" as const,
      status: "unpaid" as const,
      sort: "outstanding" as const,
      direction: "asc" as const,
      page: 2,
    };
    const text = asText(invoiceFiltersToQuery(filters));
    expect(text).toBe("type=supplier&status=unpaid&sort=outstanding&direction=asc&page=2");
    expect(invoiceFiltersFromQuery(params(text))).toEqual(filters);
  });

  it("always sends the API the type, sort, direction and page, with the API's names", () => {
    expect(invoiceApiQuery({ ...DEFAULT_INVOICE_FILTERS, issuedFrom: "2025-02-01" })).toEqual({
      type: "client",
      status: undefined,
      partner: undefined,
      issued_from: "2025-02-01",
      issued_to: undefined,
      sort: "issue_date",
      direction: "desc",
      page: 1,
      page_size: 50,
    });
  });
});

describe("the other pages' filters", () => {
  it("aging: the invoice type", () => {
    expect(agingFiltersFromQuery(params("type=supplier"))).toEqual({ type: "supplier" });
    expect(agingFiltersFromQuery(params("type=x"))).toEqual({ type: "client" });
    expect(asText(agingFiltersToQuery({ type: "client" }))).toBe("");
  });

  it("treasury: one account and the movements' page", () => {
    const filters = treasuryFiltersFromQuery(params("account=5121.01&page=2"));
    expect(filters).toEqual({ account: "5121.01", page: 2, pageSize: 50 });
    expect(asText(treasuryFiltersToQuery(filters))).toBe("account=5121.01&page=2");
    expect(treasuryApiQuery(filters)).toEqual({ account: "5121.01", page: 2, page_size: 50 });
    expect(treasuryFiltersFromQuery(params("account=5311%27%20or%201=1")).account).toBeUndefined();
  });

  it("trial balance: synthetic by default, classes 1–9 only", () => {
    expect(trialBalanceFiltersFromQuery(params(""))).toEqual({
      level: "synthetic",
      accountClass: undefined,
    });
    const filters = trialBalanceFiltersFromQuery(params("level=analytic&account_class=4"));
    expect(filters).toEqual({ level: "analytic", accountClass: 4 });
    expect(asText(trialBalanceFiltersToQuery(filters))).toBe("level=analytic&account_class=4");
    expect(trialBalanceReportFilters(filters)).toEqual({ level: "analytic", account_class: 4 });
    expect(trialBalanceFiltersFromQuery(params("account_class=12")).accountClass).toBeUndefined();
  });
});

describe("exportUrl", () => {
  it("puts /export after each JSON report's path", () => {
    const filters = { company: 1, period: "2025-06" };
    expect(exportUrl("dashboard", "pdf", filters)).toBe(
      "/api/reports/dashboard/export?format=pdf&company=1&period=2025-06",
    );
    expect(exportUrl("invoices", "xlsx", filters)).toMatch(/^\/api\/reports\/invoices\/export\?/);
    expect(exportUrl("aging", "xlsx", filters)).toMatch(
      /^\/api\/reports\/invoices\/aging\/export\?/,
    );
    expect(exportUrl("treasury", "pdf", filters)).toMatch(/^\/api\/reports\/treasury\/export\?/);
    expect(exportUrl("trial-balance", "pdf", filters)).toMatch(
      /^\/api\/reports\/trial-balance\/export\?/,
    );
  });

  it("is GET /api/reports/<report>/export with the format and the report's filters", () => {
    const filters = {
      company: 2,
      period: "2025-06",
      ...invoiceReportFilters({ ...DEFAULT_INVOICE_FILTERS, status: "overdue" }),
    };
    expect(exportUrl("invoices", "xlsx", filters)).toBe(
      "/api/reports/invoices/export?format=xlsx&company=2&period=2025-06&type=client&status=overdue&sort=issue_date&direction=desc",
    );
    expect(
      exportUrl("trial-balance", "pdf", { company: 1, period: "2025-06", level: "synthetic" }),
    ).toBe("/api/reports/trial-balance/export?format=pdf&company=1&period=2025-06&level=synthetic");
  });

  it("leaves out paging and empty values: an export holds every row", () => {
    expect(
      exportUrl("treasury", "pdf", {
        company: 1,
        period: "",
        account: undefined,
        page: 3,
        page_size: 25,
      }),
    ).toBe("/api/reports/treasury/export?format=pdf&company=1");
  });
});

describe("sumMoney", () => {
  it("adds in whole bani, so cents do not drift", () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(sumMoney([0.1, 0.2])).toBe(0.3);
    expect(sumMoney([1234.56, -234.56, 0.01])).toBe(1000.01);
    expect(sumMoney([])).toBe(0);
  });
});
