/**
 * The reports served by a real kernel over the demo ERP: the numbers agree across
 * reports and with independent SQL on the ERP file, lists page, bad input answers
 * 400/403/404, and answers go through the cache. The kernel loads the BUILT plugin.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type ReceiptApproved, receiptApproved } from "@roa2web/data-entry-contract";
import { startTestKernel, type TestKernel } from "@roa2web/kernel/testing";
import type { AuthUser, Permission } from "@roa2web/plugin-sdk";
import {
  type AgingReport,
  type DashboardReport,
  type InvoiceList,
  reportsQueries,
  type TreasuryReport,
  type TrialBalanceReport,
} from "@roa2web/reports-contract";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const packageRoot = path.resolve(fileURLToPath(new URL("..", import.meta.url)));
const packageJson = JSON.parse(readFileSync(path.join(packageRoot, "package.json"), "utf8")) as {
  name: string;
  roa2web: { name: string; entry: string; prefix: string; ui: { tag: string; module: string } };
};
const manifest = packageJson.roa2web;
const api = manifest.prefix;

let t: TestKernel;
let erp: Database.Database;
const tokens = { admin: "", reader: "" };
/** A closed month (two months before the books' end) and the open current month. */
let closedPeriod = "";
let openPeriod = "";

beforeAll(async () => {
  for (const file of [manifest.entry, manifest.ui.module]) {
    if (!existsSync(path.join(packageRoot, file))) {
      throw new Error(
        `${file} is missing: the kernel loads the built plugin. Run \`pnpm --filter ${packageJson.name} run build\`.`,
      );
    }
  }
  t = await startTestKernel({ plugins: [packageRoot] });
  const record = t.kernel.plugins.get(manifest.name);
  if (record?.state !== "enabled") {
    throw new Error(
      `the plugin did not start: ${JSON.stringify(record?.failure ?? record?.state)}`,
    );
  }
  tokens.admin = await t.login();
  await t.kernel.users.create({
    username: "reader",
    password: "reader-pass",
    permissions: ["reports:read"],
    companies: [2],
  });
  tokens.reader = await t.login("reader", "reader-pass");
  erp = new Database(path.join(t.dataDir, "demo-erp.db"), { readonly: true });
  const periods = erp
    .prepare(
      "SELECT year, month, closed FROM periods WHERE company_id = 1 ORDER BY year DESC, month DESC",
    )
    .all() as Array<{ year: number; month: number; closed: number }>;
  const label = (row: { year: number; month: number }) =>
    `${row.year}-${String(row.month).padStart(2, "0")}`;
  openPeriod = label(periods.find((row) => row.closed === 0) as { year: number; month: number });
  closedPeriod = label(periods.find((row) => row.closed === 1) as { year: number; month: number });
});
afterAll(async () => {
  erp?.close();
  await t?.close();
});

function get(url: string, who: keyof typeof tokens = "admin") {
  return t.inject({
    method: "GET",
    url: `${api}${url}`,
    headers: { authorization: `Bearer ${tokens[who]}` },
  });
}

async function json<T>(url: string, who: keyof typeof tokens = "admin"): Promise<T> {
  const response = await get(url, who);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as T;
}

/** Debit minus credit of the accounts starting with `prefix`, up to and including `at`. */
function ledgerBalance(company: number, prefix: string, at: string): number {
  const row = erp
    .prepare(
      `SELECT ROUND(COALESCE(SUM(CASE WHEN debit_account LIKE :acct || '%' THEN amount END), 0)
                  - COALESCE(SUM(CASE WHEN credit_account LIKE :acct || '%' THEN amount END), 0), 2) AS balance
         FROM ledger_entries
        WHERE company_id = :company AND date <= :at
          AND (debit_account LIKE :acct || '%' OR credit_account LIKE :acct || '%')`,
    )
    .get({ company, acct: prefix, at }) as { balance: number };
  return row.balance;
}

/** Class 7 credits net of debits in the period, the year-end closing note aside. */
function revenueOf(company: number, from: string, to: string): number {
  const row = erp
    .prepare(
      `SELECT ROUND(COALESCE(SUM(CASE WHEN credit_account LIKE '7%' THEN amount END), 0)
                  - COALESCE(SUM(CASE WHEN debit_account LIKE '7%' THEN amount END), 0), 2) AS revenue
         FROM ledger_entries WHERE company_id = :company AND date BETWEEN :from AND :to
          AND document_type <> 'CLOSING'`,
    )
    .get({ company, from, to }) as { revenue: number };
  return row.revenue;
}

describe("the year-end closing", () => {
  const company = 1;
  /** The last 31 December the books cover (they end today, two years back at most). */
  let year = 0;

  beforeAll(() => {
    const row = erp
      .prepare(
        "SELECT MAX(substr(date, 1, 4)) AS year FROM ledger_entries WHERE document_type = 'CLOSING'",
      )
      .get() as { year: string | null };
    year = Number(row.year);
  });

  it("is not December's revenue or expense on the dashboard", async () => {
    expect(year).toBeGreaterThan(2000);
    const december = await json<DashboardReport>(`/dashboard?company=${company}&period=${year}-12`);
    expect(december.revenue).toBe(revenueOf(company, `${year}-12-01`, `${year}-12-31`));
    expect(december.revenue).toBeGreaterThan(0);
    expect(december.expenses).toBeGreaterThan(0);
    expect(december.result).toBeLessThan(december.revenue);
    const year_ = await json<DashboardReport>(
      `/dashboard?company=${company}&from=${year}-01-01&to=${year}-12-31`,
    );
    expect(year_.revenue).toBe(revenueOf(company, `${year}-01-01`, `${year}-12-31`));
  });

  it("closes classes 6 and 7 in December's trial balance; January opens them at zero, 121 with the result", async () => {
    const december = await json<TrialBalanceReport>(
      `/trial-balance?company=${company}&period=${year}-12&level=synthetic`,
    );
    for (const line of december.lines.filter((candidate) => candidate.account_class >= 6)) {
      expect([line.account, line.closing_debit, line.closing_credit]).toEqual([line.account, 0, 0]);
    }
    const yearResult = await json<DashboardReport>(
      `/dashboard?company=${company}&from=${year}-01-01&to=${year}-12-31`,
    );
    const january = await json<TrialBalanceReport>(
      `/trial-balance?company=${company}&period=${year + 1}-01&level=synthetic`,
    );
    for (const line of january.lines.filter((candidate) => candidate.account_class >= 6)) {
      expect([line.account, line.opening_debit, line.opening_credit]).toEqual([line.account, 0, 0]);
    }
    const result = january.lines.find((line) => line.account === "121");
    expect(result?.opening_credit).toBeCloseTo(yearResult.revenue - yearResult.expenses, 2);
    expect(december.totals.total_debit).toBe(december.totals.total_credit);
  });
});

describe.each([
  ["a closed period", () => closedPeriod],
  ["the open period", () => openPeriod],
])("the numbers agree for %s", (_name, periodOf) => {
  const company = 1;
  let period = "";
  let dashboard: DashboardReport;
  let trial: TrialBalanceReport;
  let treasury: TreasuryReport;

  beforeAll(async () => {
    period = periodOf();
    dashboard = await json(`/dashboard?company=${company}&period=${period}`);
    trial = await json(`/trial-balance?company=${company}&period=${period}`);
    treasury = await json(`/treasury?company=${company}&period=${period}&page_size=10`);
  });

  it("dashboard: revenue, receivables and payables match the ledger", () => {
    const asOf = dashboard.period.as_of;
    expect(dashboard.revenue).toBe(revenueOf(company, dashboard.period.from, dashboard.period.to));
    expect(dashboard.revenue).toBeGreaterThan(0);
    expect(dashboard.receivables.total).toBe(ledgerBalance(company, "4111", asOf));
    expect(dashboard.payables.total).toBe(-ledgerBalance(company, "401", asOf));
    expect(dashboard.cash).toBe(ledgerBalance(company, "5311", asOf));
    expect(dashboard.bank).toBe(ledgerBalance(company, "5121", asOf));
    expect(dashboard.result).toBeCloseTo(dashboard.revenue - dashboard.expenses, 2);
    expect(dashboard.receivables.overdue).toBeGreaterThan(0);
    expect(dashboard.receivables.overdue).toBeLessThanOrEqual(dashboard.receivables.total);
  });

  it("dashboard: 12 months ending with the period, the last one equal to the period", () => {
    expect(dashboard.series).toHaveLength(12);
    const last = dashboard.series.at(-1);
    expect(last?.month).toBe(period);
    expect(last?.revenue).toBe(dashboard.revenue);
    expect(last?.expenses).toBe(dashboard.expenses);
  });

  it("receivables equal the unpaid client invoices and the aging buckets", async () => {
    const unpaid = await json<InvoiceList>(
      `/invoices?company=${company}&period=${period}&type=client&status=unpaid&page_size=500`,
    );
    expect(unpaid.totals.outstanding).toBe(dashboard.receivables.total);
    const listed = unpaid.items.reduce((sum, item) => sum + Math.round(item.outstanding * 100), 0);
    expect(listed / 100).toBe(dashboard.receivables.total);
    const aging = await json<AgingReport>(
      `/invoices/aging?company=${company}&period=${period}&type=client`,
    );
    expect(aging.total).toBe(dashboard.receivables.total);
    expect(aging.buckets.map((bucket) => bucket.key)).toEqual([
      "not_due",
      "1_30",
      "31_60",
      "61_90",
      "over_90",
    ]);
    const bucketSum = aging.buckets.reduce(
      (sum, bucket) => sum + Math.round(bucket.amount * 100),
      0,
    );
    expect(bucketSum / 100).toBe(aging.total);
    expect(aging.buckets.reduce((sum, bucket) => sum + bucket.invoices, 0)).toBe(unpaid.total);
    const overdue = await json<InvoiceList>(
      `/invoices?company=${company}&period=${period}&type=client&status=overdue&page_size=1`,
    );
    expect(overdue.totals.outstanding).toBe(dashboard.receivables.overdue);
    const supplierAging = await json<AgingReport>(
      `/invoices/aging?company=${company}&period=${period}&type=supplier`,
    );
    expect(supplierAging.total).toBe(dashboard.payables.total);
  });

  it("trial balance: the Total sume columns are the opening balance plus the turnover", () => {
    const cents = (value: number) => Math.round(value * 100);
    for (const line of [...trial.lines, { account: "total", ...trial.totals }]) {
      expect(cents(line.total_debit), line.account).toBe(
        cents(line.opening_debit) + cents(line.period_debit),
      );
      expect(cents(line.total_credit), line.account).toBe(
        cents(line.opening_credit) + cents(line.period_credit),
      );
    }
    expect(trial.totals.total_debit).toBe(trial.totals.total_credit);
  });

  it("trial balance: debits equal credits, at both levels", async () => {
    for (const report of [
      trial,
      await json<TrialBalanceReport>(
        `/trial-balance?company=${company}&period=${period}&level=synthetic`,
      ),
    ]) {
      expect(report.totals.opening_debit).toBe(report.totals.opening_credit);
      expect(report.totals.period_debit).toBe(report.totals.period_credit);
      expect(report.totals.closing_debit).toBe(report.totals.closing_credit);
      expect(report.totals.period_debit).toBeGreaterThan(0);
    }
    const synthetic = await json<TrialBalanceReport>(
      `/trial-balance?company=${company}&period=${period}&level=synthetic&account_class=5`,
    );
    expect(synthetic.lines.length).toBeGreaterThan(0);
    for (const line of synthetic.lines) {
      expect(line.account).not.toContain(".");
      expect(line.account_class).toBe(5);
    }
    const clients = trial.lines.filter((line) => line.account.startsWith("4111"));
    const open = clients.reduce(
      (sum, line) => sum + Math.round((line.closing_debit - line.closing_credit) * 100),
      0,
    );
    expect(open / 100).toBe(dashboard.receivables.total);
  });

  it("trial balance and treasury agree on every cash and bank account", () => {
    expect(treasury.accounts.length).toBeGreaterThanOrEqual(3);
    for (const account of treasury.accounts) {
      const line = trial.lines.find((candidate) => candidate.account === account.code);
      expect(line, account.code).toBeDefined();
      expect(account.opening).toBeCloseTo(
        (line?.opening_debit ?? 0) - (line?.opening_credit ?? 0),
        2,
      );
      expect(account.receipts).toBe(line?.period_debit);
      expect(account.payments).toBe(line?.period_credit);
      expect(account.closing).toBeCloseTo(
        (line?.closing_debit ?? 0) - (line?.closing_credit ?? 0),
        2,
      );
    }
    expect(treasury.totals.cash.closing).toBe(dashboard.cash);
    expect(treasury.totals.bank.closing).toBe(dashboard.bank);
  });
});

describe("lists", () => {
  it("pages invoices with the total count of the period", async () => {
    const period = closedPeriod;
    const expected = erp
      .prepare(
        "SELECT COUNT(*) AS n FROM invoices WHERE company_id = 1 AND kind = 'supplier' AND substr(issue_date, 1, 7) = :period",
      )
      .get({ period }) as { n: number };
    const first = await json<InvoiceList>(
      `/invoices?company=1&period=${period}&type=supplier&page_size=7&sort=total&direction=desc`,
    );
    expect(first.total).toBe(expected.n);
    expect(first.pages).toBe(Math.ceil(expected.n / 7));
    expect(first.items).toHaveLength(7);
    const totals = first.items.map((item) => item.total_amount);
    expect(totals).toEqual([...totals].sort((a, b) => b - a));
    const last = await json<InvoiceList>(
      `/invoices?company=1&period=${period}&type=supplier&page_size=7&sort=total&direction=desc&page=${first.pages}`,
    );
    expect(last.items.length).toBe(expected.n - 7 * (first.pages - 1));
    const beyond = await json<InvoiceList>(
      `/invoices?company=1&period=${period}&type=supplier&page_size=7&page=${first.pages + 1}`,
    );
    expect(beyond.items).toEqual([]);
    expect(beyond.total).toBe(expected.n);
  });

  it("filters invoices by status and partner", async () => {
    const overdue = await json<InvoiceList>(
      `/invoices?company=1&period=${openPeriod}&type=client&status=overdue&page_size=100`,
    );
    expect(overdue.total).toBeGreaterThan(0);
    for (const item of overdue.items) {
      expect(item.overdue).toBe(true);
      expect(item.due_date < overdue.period.as_of).toBe(true);
      expect(item.outstanding).toBeGreaterThan(0);
    }
    const partner = overdue.items[0]?.partner_id as number;
    const own = await json<InvoiceList>(
      `/invoices?company=1&period=${openPeriod}&type=client&status=overdue&partner=${partner}`,
    );
    expect(own.total).toBeGreaterThan(0);
    expect(own.items.every((item) => item.partner_id === partner)).toBe(true);
    const paid = await json<InvoiceList>(
      `/invoices?company=1&period=${closedPeriod}&type=client&status=paid`,
    );
    expect(paid.items.every((item) => item.status === "paid" && item.outstanding === 0)).toBe(true);
  });

  it("filters unpaid invoices by due date (due in the next days)", async () => {
    const unpaid = await json<InvoiceList>(
      `/invoices?company=1&period=${openPeriod}&type=client&status=unpaid&sort=due_date&direction=asc&page_size=200`,
    );
    const asOf = unpaid.period.as_of;
    const from = asOf;
    const to = new Date(Date.parse(`${asOf}T00:00:00Z`) + 30 * 86_400_000)
      .toISOString()
      .slice(0, 10);
    const expected = unpaid.items.filter((item) => item.due_date >= from && item.due_date <= to);
    const soon = await json<InvoiceList>(
      `/invoices?company=1&period=${openPeriod}&type=client&status=unpaid&due_from=${from}&due_to=${to}&sort=due_date&direction=asc&page_size=200`,
    );
    expect(soon.items.every((item) => item.due_date >= from && item.due_date <= to)).toBe(true);
    if (unpaid.total <= 200) expect(soon.total).toBe(expected.length);
    const bad = await get(
      `/invoices?company=1&period=${openPeriod}&type=client&due_from=2026-13-40`,
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain("due_from");
  });

  it("pages treasury movements", async () => {
    const expected = erp
      .prepare(
        "SELECT COUNT(*) AS n FROM treasury_movements WHERE company_id = 1 AND substr(date, 1, 7) = :period",
      )
      .get({ period: closedPeriod }) as { n: number };
    const report = await json<TreasuryReport>(
      `/treasury?company=1&period=${closedPeriod}&page_size=5&page=2`,
    );
    expect(report.movements.total).toBe(expected.n);
    expect(report.movements.items).toHaveLength(5);
    expect(report.movements.page).toBe(2);
    const cash = await json<TreasuryReport>(
      `/treasury?company=1&period=${closedPeriod}&account=5311`,
    );
    expect(cash.accounts.map((account) => account.code)).toEqual(["5311"]);
    expect(cash.movements.items.every((item) => item.account_code === "5311")).toBe(true);
  });
});

describe("bad input", () => {
  it.each([
    ["/dashboard?company=1&period=2025-13", /period must be a month/],
    ["/dashboard?company=1", /period is required/],
    ["/dashboard?company=1&from=2025-02-30&to=2025-03-01", /from must be a date/],
    ["/dashboard?company=1&from=2025-03-01&to=2025-02-28", /to must not be before from/],
    ["/trial-balance?company=1&from=2025-03-01&to=2025-01-31", /to must not be before from/],
    [
      "/invoices?company=1&period=2025-01&type=client&issued_from=2025-01-20&issued_to=2025-01-10",
      /issued_to must not be before issued_from/,
    ],
    [
      "/invoices?company=1&period=2025-01&type=client&due_from=2025-02-20&due_to=2025-02-01",
      /due_to must not be before due_from/,
    ],
    [
      "/invoices/export?company=1&period=2025-01&type=client&due_from=2025-02-20&due_to=2025-02-01&format=xlsx",
      /due_to must not be before due_from/,
    ],
    ["/dashboard?company=abc&period=2025-01", /company/],
    [`/invoices?company=1&period=2025-01&type=client&page=-1`, /page must be a whole number/],
    ["/invoices?company=1&period=2025-01&type=other", /type/],
    ["/invoices?company=1&period=2025-01", /type/],
    ["/invoices?company=1&period=2025-01&type=client&status=late", /status/],
    ["/invoices?company=1&period=2025-01&type=client&sort=password", /sort/],
    ["/trial-balance?company=1&period=2025-01&level=middle", /level/],
    ["/treasury?company=1&period=2025-01&page_size=0", /page_size/],
    ["/dashboard?company=1&period=2025-01&extra=1", /extra|additional/],
  ])("%s → 400", async (url, message) => {
    const response = await get(url);
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().error.message).toMatch(message);
  });

  it("answers 404 for an unknown company and 403 for one not granted", async () => {
    const unknown = await get("/dashboard?company=999&period=2025-01");
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe("NOT_FOUND");
    const forbidden = await get(`/dashboard?company=1&period=${closedPeriod}`, "reader");
    expect(forbidden.statusCode).toBe(403);
    // The kernel serves the cached report's grant check with the SDK's refusal.
    expect(forbidden.json().error).toMatchObject({
      code: "FORBIDDEN",
      message: "You may not see company 1",
      details: { company: 1 },
    });
    // Not granted wins over unknown: a limited caller learns nothing about other ids.
    expect((await get("/dashboard?company=999&period=2025-01", "reader")).statusCode).toBe(403);
    expect((await get(`/dashboard?company=2&period=${closedPeriod}`, "reader")).statusCode).toBe(
      200,
    );
  });

  it("needs a token", async () => {
    const response = await t.inject({
      method: "GET",
      url: `${api}/dashboard?company=1&period=2025-01`,
    });
    expect(response.statusCode).toBe(401);
  });
});

describe("cache", () => {
  it("answers MISS, then HIT-L1 with an age, then MISS after invalidation", async () => {
    const url = `/trial-balance?company=3&period=${closedPeriod}&level=synthetic`;
    const first = await get(url);
    expect(first.headers["x-cache"]).toBe("MISS");
    expect(first.headers.age).toBe("0");
    const second = await get(url);
    expect(second.headers["x-cache"]).toBe("HIT-L1");
    expect(Number(second.headers.age)).toBeGreaterThanOrEqual(0);
    expect(second.body).toBe(first.body);
    // Other filters are another question.
    expect((await get(`${url}&account_class=4`)).headers["x-cache"]).toBe("MISS");

    const invalidate = await t.inject({
      method: "POST",
      url: `${api}/cache/invalidate`,
      headers: { authorization: `Bearer ${tokens.admin}` },
      payload: { report: "trial-balance", company: 3 },
    });
    expect(invalidate.statusCode, invalidate.body).toBe(200);
    expect(invalidate.json().removed).toBe(2);
    expect((await get(url)).headers["x-cache"]).toBe("MISS");
  });

  it("tags each version with an ETag and answers 304 to a client that holds it", async () => {
    const url = `/treasury?company=2&period=${closedPeriod}`;
    const first = await get(url);
    expect(first.statusCode).toBe(200);
    expect(first.headers["content-type"]).toMatch(/^application\/json/);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    // Not the API's no-store: a browser that stored nothing would never send If-None-Match.
    expect(first.headers["cache-control"]).toBe("private, no-cache");
    const hit = await get(url);
    expect(hit.headers["x-cache"]).toBe("HIT-L1");
    expect(hit.headers.etag).toBe(etag);
    expect(hit.body).toBe(first.body);

    const held = await t.inject({
      method: "GET",
      url: `${api}${url}`,
      headers: { authorization: `Bearer ${tokens.admin}`, "if-none-match": `"other", ${etag}` },
    });
    expect(held.statusCode).toBe(304);
    expect(held.body).toBe("");
    const stale = await t.inject({
      method: "GET",
      url: `${api}${url}`,
      headers: { authorization: `Bearer ${tokens.admin}`, "if-none-match": '"other"' },
    });
    expect(stale.statusCode).toBe(200);
    expect(stale.body).toBe(first.body);
    // Another company is another version.
    expect((await get(`/treasury?company=3&period=${closedPeriod}`)).headers.etag).not.toBe(etag);
  });

  it("keys by the caller's data scope", async () => {
    const url = `/dashboard?company=2&from=${closedPeriod}-01&to=${closedPeriod}-10`;
    expect((await get(url)).headers["x-cache"]).toBe("MISS");
    expect((await get(url)).headers["x-cache"]).toBe("HIT-L1");
    expect((await get(url, "reader")).headers["x-cache"]).toBe("MISS");
    expect((await get(url, "reader")).headers["x-cache"]).toBe("HIT-L1");
  });

  it("invalidates by company across reports", async () => {
    const dashboardUrl = `/dashboard?company=3&period=${closedPeriod}`;
    const agingUrl = `/invoices/aging?company=3&period=${closedPeriod}&type=client`;
    await get(dashboardUrl);
    await get(agingUrl);
    const response = await t.inject({
      method: "POST",
      url: `${api}/cache/invalidate`,
      headers: { authorization: `Bearer ${tokens.admin}` },
      payload: { company: 3 },
    });
    expect(response.json().removed).toBeGreaterThanOrEqual(2);
    expect((await get(dashboardUrl)).headers["x-cache"]).toBe("MISS");
    expect((await get(agingUrl)).headers["x-cache"]).toBe("MISS");
  });

  it("serves stats and invalidation to cache admins only", async () => {
    const stats = await get("/cache/stats");
    expect(stats.statusCode).toBe(200);
    expect(stats.json().l1.hits).toBeGreaterThan(0);
    expect(stats.json().ttl_ms).toEqual({ closed: 86_400_000, open: 60_000 });
    expect((await get("/cache/stats", "reader")).statusCode).toBe(403);
    const invalidate = await t.inject({
      method: "POST",
      url: `${api}/cache/invalidate`,
      headers: { authorization: `Bearer ${tokens.reader}` },
      payload: {},
    });
    expect(invalidate.statusCode).toBe(403);
    const unknown = await t.inject({
      method: "POST",
      url: `${api}/cache/invalidate`,
      headers: { authorization: `Bearer ${tokens.admin}` },
      payload: { report: "salaries" },
    });
    expect(unknown.statusCode).toBe(400);
  });

  it("sees a month closed in the ERP once every cached report is invalidated", async () => {
    const url = `/trial-balance?company=3&period=${openPeriod}&level=synthetic`;
    const [year, month] = openPeriod.split("-").map(Number);
    const books = new Database(path.join(t.dataDir, "demo-erp.db"));
    const close = books.prepare(
      "UPDATE periods SET closed = :closed WHERE company_id = 3 AND year = :year AND month = :month",
    );
    const invalidateAll = () =>
      t.inject({
        method: "POST",
        url: `${api}/cache/invalidate`,
        headers: { authorization: `Bearer ${tokens.admin}` },
        payload: {},
      });
    try {
      expect((await json<TrialBalanceReport>(url)).period.closed).toBe(false);
      close.run({ closed: 1, year, month });
      // The company's period facts are cached for a minute, and so is what they resolved to.
      expect((await json<TrialBalanceReport>(url)).period.closed).toBe(false);
      expect((await invalidateAll()).statusCode).toBe(200);
      expect((await json<TrialBalanceReport>(url)).period.closed).toBe(true);
    } finally {
      close.run({ closed: 0, year, month });
      books.close();
      await invalidateAll();
    }
  });

  it("answers an L1 hit with the miss's bytes and headers, 304 when held, and not after an invalidation", async () => {
    const url = `/dashboard?company=1&from=${closedPeriod}-01&to=${closedPeriod}-20`;
    const first = await get(url);
    expect(first.headers["x-cache"]).toBe("MISS");
    const hit = await get(url);
    expect(hit.headers["x-cache"]).toBe("HIT-L1");
    expect(hit.body).toBe(first.body);
    expect(hit.headers.etag).toBe(first.headers.etag);
    expect(hit.headers["content-type"]).toBe(first.headers["content-type"]);
    expect(hit.headers["cache-control"]).toBe("private, no-cache");
    const held = await t.inject({
      method: "GET",
      url: `${api}${url}`,
      headers: {
        authorization: `Bearer ${tokens.admin}`,
        "if-none-match": first.headers.etag as string,
      },
    });
    expect(held.statusCode).toBe(304);
    // A caller without the grant is refused on this path too.
    expect((await get(url, "reader")).statusCode).toBe(403);

    const invalidate = await t.inject({
      method: "POST",
      url: `${api}/cache/invalidate`,
      headers: { authorization: `Bearer ${tokens.admin}` },
      payload: { report: "dashboard", company: 1 },
    });
    expect(invalidate.statusCode).toBe(200);
    const after = await get(url);
    expect(after.headers["x-cache"]).toBe("MISS");
    expect(after.body).toBe(first.body);
  });

  it("tells closed periods from open ones", async () => {
    expect(
      (await json<DashboardReport>(`/dashboard?company=1&period=${closedPeriod}`)).period.closed,
    ).toBe(true);
    expect(
      (await json<DashboardReport>(`/dashboard?company=1&period=${openPeriod}`)).period.closed,
    ).toBe(false);
  });
});

/** A signed-in user as the kernel hands it to a consumer plugin's route. */
function userWith(permissions: Permission[], companies: number[]): AuthUser {
  return { id: 900, username: "someone", displayName: "Someone", permissions, companies };
}

describe("query strings the route remembers", () => {
  it("refuses a wrong or hostile query string the same way every time", async () => {
    const refused = [
      "/dashboard?company=1&period=2025-13",
      "/dashboard?company=abc&period=2025-01",
      "/dashboard?company=1&company=2&period=2025-01",
      "/dashboard?company=1&period=2025-01&__proto__=1",
      "/dashboard?company=999&period=2025-01",
      "/dashboard?company=1&from=2025-03-01&to=2025-02-28",
    ];
    for (const url of refused) {
      const first = await get(url);
      expect(first.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(first.statusCode, url).toBeLessThan(500);
      for (let attempt = 0; attempt < 2; attempt++) {
        const again = await get(url);
        expect(again.statusCode, url).toBe(first.statusCode);
        expect(again.json().error.code, url).toBe(first.json().error.code);
        expect(again.json().error.message, url).toBe(first.json().error.message);
      }
    }
    // A good query string after them is answered as ever.
    expect((await get(`/dashboard?company=1&period=${closedPeriod}`)).statusCode).toBe(200);
  });

  it("checks each caller's grant on a query string another caller made remembered", async () => {
    const url = `/dashboard?company=1&period=${openPeriod}`;
    expect((await get(url)).statusCode).toBe(200);
    expect((await get(url)).headers["x-cache"]).toBe("HIT-L1");
    for (let attempt = 0; attempt < 2; attempt++) {
      const refused = await get(url, "reader");
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.details).toEqual({ company: 1 });
    }
    expect((await get(url)).headers["x-cache"]).toBe("HIT-L1");
    // The same period for the reader's own company: the reader's scope, not the admin's.
    const own = `/dashboard?company=2&period=${openPeriod}`;
    expect((await get(own)).statusCode).toBe(200);
    const readers = await get(own, "reader");
    expect(readers.statusCode).toBe(200);
    expect(readers.headers["x-cache"]).toBe("MISS");
    expect((await get(own, "reader")).headers["x-cache"]).toBe("HIT-L1");
  });
});

describe("the reports.queries service and the UI", () => {
  it("answers another plugin for a user with reports:read, in that user's scope", async () => {
    const queries = t.service(reportsQueries).for(userWith(["reports:read"], [2]));
    const answer = await queries.dashboard({ company: 2, period: closedPeriod });
    const overHttp = await json<DashboardReport>(`/dashboard?company=2&period=${closedPeriod}`);
    expect(answer.report.revenue).toBe(overHttp.revenue);
    await expect(
      queries.invoices({ company: 1, period: closedPeriod, type: "client" }),
    ).rejects.toMatchObject({ statusCode: 403, details: { company: 1 } });
  });

  it("refuses a user without reports:read (a cashbox reader) and a plugin acting on its own", async () => {
    const cashier = t.service(reportsQueries).for(userWith(["cashbox:read"], [2]));
    await expect(cashier.treasury({ company: 2, period: closedPeriod })).rejects.toMatchObject({
      statusCode: 403,
      details: { permission: "reports:read" },
    });
    await expect(
      t
        .service(reportsQueries)
        .asSystem("nightly digest")
        .dashboard({ company: 2, period: closedPeriod }),
    ).rejects.toMatchObject({ statusCode: 403 });
  });

  it("serves the web component", async () => {
    const response = await t.inject({
      method: "GET",
      url: `/plugins/${manifest.name}/ui/reports-app.js`,
    });
    expect(response.statusCode).toBe(200);
    // Minified: the tag may be quoted with any quote character.
    expect(response.body).toMatch(/customElements\.define\(["'`]reports-app["'`]/);
  });
});

describe("a receipt approved in data entry", () => {
  it("drops that company's cached figures: the dashboard is recomputed with the booked receipt", async () => {
    const url = `/dashboard?company=1&period=${openPeriod}`;
    const other = `/dashboard?company=3&period=${openPeriod}`;
    const before = await json<DashboardReport>(url);
    await json<DashboardReport>(other);
    expect((await get(url)).headers["x-cache"]).toBe("HIT-L1");

    // What approving a cash receipt books in the ERP: an expense paid from the cash desk.
    const books = new Database(path.join(t.dataDir, "demo-erp.db"));
    const booked = books
      .prepare(
        `INSERT INTO ledger_entries (company_id, date, document_type, document_id, document_number,
                                     debit_account, credit_account, amount, explanation)
         VALUES (1, :date, 'BON', 990001, 'BF-990001', '6022', '5311', 123.45, 'Approved receipt')`,
      )
      .run({ date: `${openPeriod}-01` });
    try {
      // Still the cached figures: nothing told the reports yet.
      expect((await json<DashboardReport>(url)).expenses).toBe(before.expenses);

      t.emit(receiptApproved, approval(1));
      await vi.waitFor(
        async () => {
          const response = await get(url);
          expect(response.headers["x-cache"]).toBe("MISS");
        },
        { timeout: 10_000, interval: 20 },
      );
      const after = await json<DashboardReport>(url);
      expect(after.expenses).toBeCloseTo(before.expenses + 123.45, 2);
      expect(after.cash).toBeCloseTo(before.cash - 123.45, 2);
      // Another company's cached figures stay.
      expect((await get(other)).headers["x-cache"]).toBe("HIT-L1");
    } finally {
      books.prepare("DELETE FROM ledger_entries WHERE id = ?").run(booked.lastInsertRowid);
      books.close();
      await t.inject({
        method: "POST",
        url: `${api}/cache/invalidate`,
        headers: { authorization: `Bearer ${tokens.admin}` },
        payload: {},
      });
    }
  });
});

function approval(companyId: number): ReceiptApproved {
  const person = { userId: 1, name: "demo" };
  return {
    receiptId: 990001,
    companyId,
    companyName: null,
    submittedBy: person,
    decidedBy: person,
    documentNumber: "BF-990001",
    documentDate: `${openPeriod}-01`,
    partner: "Benzinăria Nord",
    amounts: { total: 123.45, vat: null, currency: "RON", totalLei: 123.45 },
  };
}
