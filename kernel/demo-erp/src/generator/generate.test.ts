// The demo ERP must be internally consistent: these are the invariants the reports rely on.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHART_OF_ACCOUNTS } from "./chart-of-accounts.js";
import { type DemoErpSummary, generateDemoErp } from "./generate.js";
import { DEMO_ERP_SCHEMA_VERSION, DEMO_ERP_TABLES } from "./schema.js";

const END_DATE = "2025-06-15";
const REQUIRED_ACCOUNTS = [
  "101",
  "1012",
  "121",
  "2131",
  "2813",
  "371",
  "401",
  "4111",
  "421",
  "431",
  "4423",
  "4426",
  "4427",
  "5121",
  "5121.01",
  "5121.02",
  "5311",
  "581",
  "601",
  "6022",
  "604",
  "605",
  "607",
  "611",
  "612",
  "623",
  "624",
  "626",
  "627",
  "641",
  "6811",
  "701",
  "704",
  "707",
];

/** Amounts as whole bani, so sums compare exactly instead of within a float tolerance. */
const CENTS = (column: string): string => `CAST(ROUND(${column} * 100) AS INTEGER)`;

let directory: string;
let db: Database.Database;
let summary: DemoErpSummary;

function all<T>(sql: string, ...params: unknown[]): T[] {
  return db.prepare(sql).all(...params) as T[];
}

function one<T>(sql: string, ...params: unknown[]): T {
  return db.prepare(sql).get(...params) as T;
}

function openDatabase(name: string): Database.Database {
  return new Database(join(directory, name));
}

/** Every row of every table, in a stable order, without the wall-clock generated_at. */
function dump(target: Database.Database): Record<string, unknown[]> {
  const result: Record<string, unknown[]> = {};
  for (const table of DEMO_ERP_TABLES) {
    const filter = table === "meta" ? " WHERE key <> 'generated_at'" : "";
    result[table] = target.prepare(`SELECT * FROM ${table}${filter} ORDER BY rowid`).all();
  }
  return result;
}

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), "demo-erp-"));
  db = openDatabase("demo-erp.db");
  summary = generateDemoErp(db, { endDate: END_DATE });
});

afterAll(() => {
  db?.close();
  rmSync(directory, { recursive: true, force: true });
});

describe("demo ERP shape", () => {
  it("reports row counts that match the tables", () => {
    for (const table of DEMO_ERP_TABLES) {
      expect(one<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).n, table).toBe(
        summary.counts[table],
      );
    }
    expect(summary.counts.ledger_entries).toBeGreaterThan(10_000);
    expect(summary.ms).toBeLessThan(5_000);
  });

  it("writes the meta table", () => {
    const meta = Object.fromEntries(
      all<{ key: string; value: string }>("SELECT key, value FROM meta").map((r) => [
        r.key,
        r.value,
      ]),
    );
    expect(meta.schema_version).toBe(String(DEMO_ERP_SCHEMA_VERSION));
    expect(meta.seed).toBe("42");
    expect(meta.scale).toBe("1");
    expect(meta.end_date).toBe(END_DATE);
    expect(Number.isNaN(Date.parse(meta.generated_at ?? ""))).toBe(false);
  });

  it("has at least 3 companies with Romanian names and valid-looking tax ids", () => {
    const companies = all<{ id: number; name: string; tax_id: string; currency: string }>(
      "SELECT * FROM companies",
    );
    expect(companies.length).toBeGreaterThanOrEqual(3);
    for (const company of companies) {
      expect(company.name).toMatch(/ (SRL|SA)$/);
      expect(company.tax_id).toMatch(/^RO\d{6,10}$/);
      expect(company.currency).toBe("RON");
    }
  });

  it("covers 24 months per company, all but the last two closed", () => {
    const periods = all<{ company_id: number; year: number; month: number; closed: number }>(
      "SELECT * FROM periods ORDER BY company_id, year, month",
    );
    const companies = one<{ n: number }>("SELECT COUNT(*) AS n FROM companies").n;
    expect(periods).toHaveLength(companies * 24);
    const first = periods.filter((p) => p.company_id === 1);
    expect(first[0]).toMatchObject({ year: 2023, month: 7 });
    expect(first[23]).toMatchObject({ year: 2025, month: 6 });
    expect(first.filter((p) => p.closed === 0).map((p) => p.month)).toEqual([5, 6]);
  });

  it("has the required chart of accounts with consistent levels and parents", () => {
    const codes = new Set(
      all<{ code: string }>("SELECT code FROM accounts WHERE company_id = 1").map((r) => r.code),
    );
    for (const code of REQUIRED_ACCOUNTS) expect(codes.has(code), code).toBe(true);
    const accounts = all<{
      code: string;
      class: number;
      level: string;
      parent_code: string | null;
      kind: string;
    }>("SELECT * FROM accounts");
    for (const account of accounts) {
      expect(account.class).toBe(Number(account.code[0]));
      if (account.level === "synthetic1") {
        expect(account.code).toMatch(/^\d{3}$/);
        expect(account.parent_code).toBeNull();
      } else if (account.level === "synthetic2") {
        expect(account.code).toMatch(/^\d{4}$/);
        expect(account.parent_code).toBe(account.code.slice(0, 3));
      } else {
        expect(account.code).toMatch(/^\d{3,4}\.\d{2,5}$/);
        expect(account.code.startsWith(`${account.parent_code}.`)).toBe(true);
      }
      expect(["A", "P", "B"]).toContain(account.kind);
    }
    const orphans = one<{ n: number }>(
      `SELECT COUNT(*) AS n FROM accounts a WHERE parent_code IS NOT NULL AND NOT EXISTS
         (SELECT 1 FROM accounts p WHERE p.company_id = a.company_id AND p.code = a.parent_code)`,
    ).n;
    expect(orphans).toBe(0);
    expect(CHART_OF_ACCOUNTS.length).toBeGreaterThan(40);
  });

  it("gives every partner its analytic account and every company cash plus two banks", () => {
    const missing = one<{ n: number }>(
      `SELECT COUNT(*) AS n FROM partners p WHERE NOT EXISTS (SELECT 1 FROM accounts a
         WHERE a.company_id = p.company_id
           AND a.code = (CASE p.kind WHEN 'client' THEN '4111.' ELSE '401.' END) || printf('%05d', p.id))`,
    ).n;
    expect(missing).toBe(0);
    const perCompany = all<{ company_id: number; clients: number; suppliers: number }>(
      `SELECT company_id, SUM(kind = 'client') AS clients, SUM(kind = 'supplier') AS suppliers
         FROM partners GROUP BY company_id`,
    );
    for (const row of perCompany) {
      expect(row.clients).toBeGreaterThanOrEqual(20);
      expect(row.suppliers).toBeGreaterThanOrEqual(15);
    }
    const treasury = all<{ company_id: number; code: string; kind: string; iban: string | null }>(
      "SELECT * FROM treasury_accounts ORDER BY company_id, code",
    );
    for (const companyId of new Set(treasury.map((t) => t.company_id))) {
      const codes = treasury.filter((t) => t.company_id === companyId).map((t) => t.code);
      expect(codes).toContain("5311");
      expect(codes).toContain("5121.01");
      expect(codes).toContain("5121.02");
    }
    for (const account of treasury) {
      if (account.kind === "bank") expect(account.iban).toMatch(/^RO\d{2}[A-Z]{4}\d{16}$/);
      else expect(account.code).toBe("5311");
    }
  });
});

describe("demo ERP ledger", () => {
  it("balances every document: debits equal credits, one date and one number", () => {
    const unbalanced = all(
      `SELECT company_id, document_type, document_id, SUM(debit) AS debit, SUM(credit) AS credit
         FROM (SELECT company_id, document_type, document_id, ${CENTS("amount")} AS debit, 0 AS credit FROM ledger_entries
               UNION ALL
               SELECT company_id, document_type, document_id, 0, ${CENTS("amount")} FROM ledger_entries)
        GROUP BY company_id, document_type, document_id
       HAVING SUM(debit) <> SUM(credit)`,
    );
    expect(unbalanced).toEqual([]);
    const inconsistent = all(
      `SELECT company_id, document_type, document_id FROM ledger_entries
        GROUP BY company_id, document_type, document_id
       HAVING COUNT(DISTINCT date) > 1 OR COUNT(DISTINCT document_number) > 1`,
    );
    expect(inconsistent).toEqual([]);
  });

  it("uses only the listed document types, positive 2-decimal amounts and dates in range", () => {
    const types = all<{ document_type: string }>(
      "SELECT DISTINCT document_type FROM ledger_entries",
    ).map((r) => r.document_type);
    expect(new Set(types)).toEqual(
      new Set([
        "OPENING",
        "SALE_INVOICE",
        "PURCHASE_INVOICE",
        "RECEIPT",
        "PAYMENT",
        "PAYROLL",
        "BANK_FEE",
        "CASH_TRANSFER",
        "DEPRECIATION",
        "VAT_SETTLEMENT",
        "CLOSING",
        "RESULT_CARRIED_FORWARD",
      ]),
    );
    const bad = one<{ n: number }>(
      `SELECT COUNT(*) AS n FROM ledger_entries
        WHERE amount <= 0 OR amount <> ROUND(amount, 2) OR date < ? OR date > ?`,
      summary.startDate,
      END_DATE,
    ).n;
    expect(bad).toBe(0);
    const opening = all<{ date: string }>(
      "SELECT DISTINCT date FROM ledger_entries WHERE document_type = 'OPENING'",
    );
    expect(opening).toEqual([{ date: "2023-07-01" }]);
  });

  it("posts only to the most detailed accounts of the chart", () => {
    const unknown = all(
      `SELECT DISTINCT l.company_id, x.account FROM ledger_entries l
         JOIN (SELECT id, debit_account AS account FROM ledger_entries
               UNION ALL SELECT id, credit_account FROM ledger_entries) x ON x.id = l.id
        WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.company_id = l.company_id AND a.code = x.account)
           OR EXISTS (SELECT 1 FROM accounts c WHERE c.company_id = l.company_id AND c.parent_code = x.account)`,
    );
    expect(unknown).toEqual([]);
  });

  it("produces a trial balance whose totals balance for every month", () => {
    const months = all<{ year: number; month: number }>(
      "SELECT DISTINCT year, month FROM periods ORDER BY 1, 2",
    );
    for (const { year, month } of months) {
      const from = `${year}-${String(month).padStart(2, "0")}-01`;
      const to = `${year}-${String(month).padStart(2, "0")}-31`;
      const rows = all<{
        company_id: number;
        od: number;
        oc: number;
        td: number;
        tc: number;
        cd: number;
        cc: number;
      }>(
        `WITH movements AS (
           SELECT company_id, debit_account AS account, date, ${CENTS("amount")} AS debit, 0 AS credit FROM ledger_entries
           UNION ALL SELECT company_id, credit_account, date, 0, ${CENTS("amount")} FROM ledger_entries),
         balance AS (
           SELECT company_id, account,
                  SUM(CASE WHEN date < ? THEN debit - credit ELSE 0 END) AS opening,
                  SUM(CASE WHEN date BETWEEN ? AND ? THEN debit ELSE 0 END) AS td,
                  SUM(CASE WHEN date BETWEEN ? AND ? THEN credit ELSE 0 END) AS tc
             FROM movements WHERE date <= ? GROUP BY company_id, account)
         SELECT company_id,
                SUM(MAX(opening, 0)) AS od, SUM(MAX(-opening, 0)) AS oc, SUM(td) AS td, SUM(tc) AS tc,
                SUM(MAX(opening + td - tc, 0)) AS cd, SUM(MAX(-(opening + td - tc), 0)) AS cc
           FROM balance GROUP BY company_id`,
        from,
        from,
        to,
        from,
        to,
        to,
      );
      for (const row of rows) {
        expect(row.od, `${from} opening`).toBe(row.oc);
        expect(row.td, `${from} turnover`).toBe(row.tc);
        expect(row.cd, `${from} closing`).toBe(row.cc);
        expect(row.td).toBeGreaterThan(0);
      }
    }
  });

  it("closes classes 6 and 7 into 121 at each 31 December, and carries 121 to 117 on 30 April", () => {
    const balanceAt = (companyId: number, date: string, where: string): number =>
      one<{ balance: number | null }>(
        `SELECT SUM(CASE WHEN side = 'D' THEN cents ELSE -cents END) AS balance FROM (
           SELECT 'D' AS side, debit_account AS account, ${CENTS("amount")} AS cents FROM ledger_entries
            WHERE company_id = :company AND date <= :date
           UNION ALL
           SELECT 'C', credit_account, ${CENTS("amount")} FROM ledger_entries
            WHERE company_id = :company AND date <= :date)
          WHERE ${where}`,
        { company: companyId, date },
      ).balance ?? 0;
    const companies = all<{ id: number }>("SELECT id FROM companies").map((row) => row.id);
    for (const company of companies) {
      let carried = 0;
      // The books run from 2023-07-01: two year-ends are covered.
      for (const year of [2023, 2024]) {
        const label = `company ${company} ${year}`;
        expect(balanceAt(company, `${year}-12-31`, "account LIKE '6%'"), label).toBe(0);
        expect(balanceAt(company, `${year}-12-31`, "account LIKE '7%'"), label).toBe(0);
        // The year's result: revenue minus expenses booked that year, closing aside.
        const result = one<{ result: number }>(
          `SELECT SUM(CASE WHEN credit_account LIKE '7%' THEN ${CENTS("amount")} ELSE 0 END)
                - SUM(CASE WHEN debit_account LIKE '7%' THEN ${CENTS("amount")} ELSE 0 END)
                - SUM(CASE WHEN debit_account LIKE '6%' THEN ${CENTS("amount")} ELSE 0 END)
                + SUM(CASE WHEN credit_account LIKE '6%' THEN ${CENTS("amount")} ELSE 0 END) AS result
             FROM ledger_entries
            WHERE company_id = ? AND date BETWEEN ? AND ? AND document_type <> 'CLOSING'`,
          company,
          `${year}-01-01`,
          `${year}-12-31`,
        ).result;
        expect(result, `${label} profitable`).toBeGreaterThan(0);
        // 121 holds it (credit balance = profit) from 31 December until 30 April.
        expect(balanceAt(company, `${year}-12-31`, "account = '121'"), label).toBe(-result);
        expect(balanceAt(company, `${year + 1}-04-29`, "account = '121'"), label).toBe(-result);
        expect(balanceAt(company, `${year + 1}-04-30`, "account = '121'"), label).toBe(0);
        carried += result;
      }
      // Both results were carried to 117 (credit: profits), nothing else posts to it.
      expect(balanceAt(company, END_DATE, "account = '117'")).toBe(-carried);
    }
    const closingDates = all<{ date: string }>(
      "SELECT DISTINCT date FROM ledger_entries WHERE document_type = 'CLOSING' ORDER BY 1",
    ).map((row) => row.date);
    expect(closingDates).toEqual(["2023-12-31", "2024-12-31"]);
  });

  it("keeps active accounts from going negative: cash, stock, receivables, in-transit", () => {
    const negative = all(
      `SELECT company_id, account, running FROM (
         SELECT company_id, account,
                SUM(delta) OVER (PARTITION BY company_id, account ORDER BY id ROWS UNBOUNDED PRECEDING) AS running
           FROM (SELECT id, company_id, debit_account AS account, ${CENTS("amount")} AS delta FROM ledger_entries
                 UNION ALL SELECT id, company_id, credit_account, -${CENTS("amount")} FROM ledger_entries)
          WHERE account IN ('5311', '371', '2131') OR account LIKE '5121.%' OR account LIKE '4111.%')
        WHERE running < 0 LIMIT 5`,
    );
    expect(negative).toEqual([]);
    // 581 is a pass-through: money leaves one place and arrives in another the same day.
    const inTransit = all(
      `SELECT company_id, date, SUM(CASE WHEN debit_account = '581' THEN 1 ELSE -1 END * ${CENTS("amount")}) AS left_over
         FROM ledger_entries WHERE '581' IN (debit_account, credit_account)
        GROUP BY company_id, date HAVING left_over <> 0`,
    );
    expect(inTransit).toEqual([]);
  });

  it("settles VAT every closed month: 4426 and 4427 are zero at each month end", () => {
    const monthEnds = all<{ company_id: number; month: string; vat: number }>(
      `SELECT company_id, substr(date, 1, 7) AS month, 0 AS vat FROM ledger_entries
        WHERE document_type = 'VAT_SETTLEMENT' AND document_number LIKE 'D300 %' GROUP BY 1, 2`,
    );
    expect(monthEnds.length).toBe(23 * summary.companies);
    const leftovers = all(
      `SELECT s.company_id, s.date, a.account,
              (SELECT SUM(CASE WHEN debit_account = a.account THEN 1 ELSE -1 END * ${CENTS("amount")})
                 FROM ledger_entries l WHERE l.company_id = s.company_id AND l.date <= s.date
                  AND a.account IN (l.debit_account, l.credit_account)) AS balance
         FROM (SELECT DISTINCT company_id, date FROM ledger_entries
                WHERE document_type = 'VAT_SETTLEMENT' AND document_number LIKE 'D300 %') s
        CROSS JOIN (SELECT '4426' AS account UNION ALL SELECT '4427') a
        WHERE balance <> 0`,
    );
    expect(leftovers).toEqual([]);
  });
});

describe("demo ERP invoices and payments", () => {
  it("keeps invoice amounts exact: total = net + VAT at 19, 9 or 5 %", () => {
    const invoices = all<{
      net: number;
      vat: number;
      total: number;
      issue_date: string;
      due_date: string;
    }>(
      `SELECT ${CENTS("net_amount")} AS net, ${CENTS("vat_amount")} AS vat, ${CENTS("total_amount")} AS total,
              issue_date, due_date FROM invoices`,
    );
    const rates = new Map<number, number>();
    for (const invoice of invoices) {
      expect(invoice.total).toBe(invoice.net + invoice.vat);
      const rate = [19, 9, 5].find((r) => Math.round((invoice.net * r) / 100) === invoice.vat);
      expect(rate, JSON.stringify(invoice)).toBeDefined();
      rates.set(rate ?? 0, (rates.get(rate ?? 0) ?? 0) + 1);
      const term = (Date.parse(invoice.due_date) - Date.parse(invoice.issue_date)) / 86_400_000;
      expect([15, 30, 45, 60]).toContain(term);
    }
    expect((rates.get(19) ?? 0) / invoices.length).toBeGreaterThan(0.7);
    expect(rates.get(9)).toBeGreaterThan(0);
    expect(rates.get(5)).toBeGreaterThan(0);
    const range = one<{ first: string; last: string }>(
      "SELECT MIN(issue_date) AS first, MAX(issue_date) AS last FROM invoices",
    );
    expect(range.first >= summary.startDate && range.last <= END_DATE).toBe(true);
  });

  it("sets paid_amount to the sum of the invoice's payments, never above the total", () => {
    const wrong = all(
      `SELECT i.id, i.paid_amount, i.total_amount, COALESCE(SUM(${CENTS("p.amount")}), 0) AS paid
         FROM invoices i LEFT JOIN payments p ON p.invoice_id = i.id
        GROUP BY i.id
       HAVING ${CENTS("i.paid_amount")} <> paid OR i.paid_amount > i.total_amount OR i.paid_amount < 0`,
    );
    expect(wrong).toEqual([]);
  });

  it("dates payments between the issue date and the end date, from a treasury account", () => {
    const wrong = all(
      `SELECT p.* FROM payments p JOIN invoices i ON i.id = p.invoice_id
        WHERE p.date < i.issue_date OR p.date > ? OR p.company_id <> i.company_id OR p.amount <= 0
           OR NOT EXISTS (SELECT 1 FROM treasury_accounts t WHERE t.company_id = p.company_id AND t.code = p.account_code)`,
      END_DATE,
    );
    expect(wrong).toEqual([]);
    const cash = one<{ n: number }>(
      "SELECT COUNT(*) AS n FROM payments WHERE account_code = '5311'",
    ).n;
    const bank = one<{ n: number }>(
      "SELECT COUNT(*) AS n FROM payments WHERE account_code LIKE '5121.%'",
    ).n;
    expect(cash).toBeGreaterThan(0);
    expect(bank).toBeGreaterThan(cash);
    const overLimit = one<{ n: number }>(
      "SELECT COUNT(*) AS n FROM payments WHERE account_code = '5311' AND amount > 5000",
    ).n;
    expect(overLimit).toBe(0);
  });

  it("books every invoice and every payment in the ledger with the same amounts", () => {
    const invoicesOff = all(
      `WITH documents AS MATERIALIZED (
         SELECT company_id, document_type, document_id, MIN(date) AS first_date, MAX(date) AS last_date,
                MIN(document_number) AS number,
                SUM(CASE WHEN debit_account LIKE '4111.%' THEN ${CENTS("amount")} ELSE 0 END) AS receivable,
                SUM(CASE WHEN credit_account LIKE '401.%' THEN ${CENTS("amount")} ELSE 0 END) AS payable,
                MIN(CASE WHEN debit_account LIKE '4111.%' THEN debit_account
                         WHEN credit_account LIKE '401.%' THEN credit_account END) AS partner_account,
                MAX(CASE WHEN debit_account LIKE '4111.%' THEN debit_account
                         WHEN credit_account LIKE '401.%' THEN credit_account END) AS partner_account_max
           FROM ledger_entries WHERE document_type IN ('SALE_INVOICE', 'PURCHASE_INVOICE') GROUP BY 1, 2, 3)
       SELECT i.id FROM invoices i
         LEFT JOIN documents d ON d.company_id = i.company_id AND d.document_id = i.id
              AND d.document_type = CASE i.kind WHEN 'client' THEN 'SALE_INVOICE' ELSE 'PURCHASE_INVOICE' END
        WHERE d.document_id IS NULL OR d.first_date <> i.issue_date OR d.last_date <> i.issue_date
           OR d.number <> i.number OR d.partner_account <> d.partner_account_max
           OR d.partner_account <> CASE i.kind WHEN 'client' THEN '4111.' ELSE '401.' END || printf('%05d', i.partner_id)
           OR CASE i.kind WHEN 'client' THEN d.receivable ELSE d.payable END <> ${CENTS("i.total_amount")}`,
    );
    expect(invoicesOff).toEqual([]);
    const paymentsOff = all(
      `WITH lines AS MATERIALIZED (
         SELECT company_id, document_type, document_id, COUNT(*) AS n, MIN(date) AS date, MIN(amount) AS amount,
                MIN(debit_account) AS debit_account, MIN(credit_account) AS credit_account
           FROM ledger_entries WHERE document_type IN ('RECEIPT', 'PAYMENT') GROUP BY 1, 2, 3)
       SELECT p.id FROM payments p JOIN invoices i ON i.id = p.invoice_id
         LEFT JOIN lines l ON l.company_id = p.company_id AND l.document_id = p.id
              AND l.document_type = CASE i.kind WHEN 'client' THEN 'RECEIPT' ELSE 'PAYMENT' END
        WHERE l.n IS NULL OR l.n <> 1 OR l.date <> p.date OR ${CENTS("l.amount")} <> ${CENTS("p.amount")}
           OR (i.kind = 'client' AND (l.debit_account <> p.account_code OR l.credit_account <> '4111.' || printf('%05d', i.partner_id)))
           OR (i.kind = 'supplier' AND (l.credit_account <> p.account_code OR l.debit_account <> '401.' || printf('%05d', i.partner_id)))`,
    );
    expect(paymentsOff).toEqual([]);
    const extra = one<{ n: number }>(
      `SELECT COUNT(*) AS n FROM ledger_entries l WHERE l.document_type IN ('RECEIPT', 'PAYMENT')
          AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.id = l.document_id AND p.company_id = l.company_id)`,
    ).n;
    expect(extra).toBe(0);
  });

  it("makes receivables and payables in the ledger equal the open invoices, per partner", () => {
    const receivables = all(
      `WITH ledger AS (
         SELECT company_id, account, SUM(delta) AS balance FROM (
           SELECT company_id, debit_account AS account, ${CENTS("amount")} AS delta FROM ledger_entries
           UNION ALL SELECT company_id, credit_account, -${CENTS("amount")} FROM ledger_entries)
          WHERE account LIKE '4111.%' OR account LIKE '401.%' GROUP BY company_id, account),
       open AS (
         SELECT company_id, CASE kind WHEN 'client' THEN '4111.' ELSE '401.' END || printf('%05d', partner_id) AS account,
                SUM(CASE kind WHEN 'client' THEN 1 ELSE -1 END * (${CENTS("total_amount")} - ${CENTS("paid_amount")})) AS balance
           FROM invoices GROUP BY 1, 2)
       SELECT l.company_id, l.account, l.balance, o.balance AS invoices
         FROM ledger l LEFT JOIN open o ON o.company_id = l.company_id AND o.account = l.account
        WHERE l.balance <> COALESCE(o.balance, 0)`,
    );
    expect(receivables).toEqual([]);
  });

  it("has paid, partly paid, unpaid, overdue and >90 days overdue invoices, in a realistic mix", () => {
    const mix = one<Record<string, number>>(
      `SELECT SUM(paid_amount = total_amount) AS paid,
              SUM(paid_amount > 0 AND paid_amount < total_amount) AS partial,
              SUM(paid_amount = 0) AS unpaid,
              SUM(paid_amount < total_amount AND due_date < :end) AS overdue,
              SUM(paid_amount < total_amount AND julianday(:end) - julianday(due_date) > 90) AS overdue90,
              SUM(paid_amount < total_amount AND due_date >= :end) AS not_due
         FROM invoices WHERE kind = 'client'`,
      { end: END_DATE },
    );
    for (const key of ["paid", "partial", "unpaid", "overdue", "not_due"]) {
      expect(mix[key], key).toBeGreaterThan(10);
    }
    // A few chronic late payers, not a book of bad debts.
    expect(mix.overdue90).toBeGreaterThan(0);
    for (const kind of ["client", "supplier"]) {
      const old = one<{ share: number }>(
        `SELECT AVG(paid_amount = total_amount) AS share FROM invoices WHERE kind = ? AND issue_date < date(?, '-6 months')`,
        kind,
        END_DATE,
      ).share;
      expect(old, `${kind} invoices older than 6 months fully paid`).toBeGreaterThan(
        kind === "client" ? 0.99 : 0.8,
      );
      const recent = one<{ share: number }>(
        `SELECT AVG(due_date >= :end) AS share FROM invoices WHERE kind = :kind AND issue_date >= date(:end, '-14 days')`,
        { kind, end: END_DATE },
      ).share;
      expect(recent, `${kind} invoices of the last two weeks not yet due`).toBeGreaterThan(0.9);
    }
  });

  it("lets aging buckets of open client invoices add up to the receivables balance", () => {
    const buckets = one<Record<string, number>>(
      `SELECT SUM(CASE WHEN age <= 0 THEN open ELSE 0 END) AS current,
              SUM(CASE WHEN age BETWEEN 1 AND 30 THEN open ELSE 0 END) AS d30,
              SUM(CASE WHEN age BETWEEN 31 AND 60 THEN open ELSE 0 END) AS d60,
              SUM(CASE WHEN age BETWEEN 61 AND 90 THEN open ELSE 0 END) AS d90,
              SUM(CASE WHEN age > 90 THEN open ELSE 0 END) AS older,
              SUM(open) AS total
         FROM (SELECT CAST(julianday(?) - julianday(due_date) AS INTEGER) AS age,
                      ${CENTS("total_amount")} - ${CENTS("paid_amount")} AS open
                 FROM invoices WHERE kind = 'client' AND paid_amount < total_amount)`,
      END_DATE,
    );
    const ledger = one<{ balance: number }>(
      `SELECT SUM(CASE WHEN debit_account LIKE '4111.%' THEN 1 ELSE 0 END * ${CENTS("amount")})
            - SUM(CASE WHEN credit_account LIKE '4111.%' THEN 1 ELSE 0 END * ${CENTS("amount")}) AS balance
         FROM ledger_entries`,
    ).balance;
    const { current = 0, d30 = 0, d60 = 0, d90 = 0, older = 0, total } = buckets;
    expect(current + d30 + d60 + d90 + older).toBe(total);
    expect(total).toBe(ledger);
    for (const bucket of [current, d30, d60, d90, older]) expect(bucket).toBeGreaterThan(0);
  });

  it("ages receivables like a healthy distributor's: mostly current, a few % past 90 days", () => {
    for (const endDate of [END_DATE, "2026-12-06"]) {
      const target = endDate === END_DATE ? db : new Database(":memory:");
      try {
        if (target !== db) generateDemoErp(target, { endDate });
        const companies = target
          .prepare(
            `SELECT company_id,
                    SUM(CASE WHEN age <= 0 THEN open ELSE 0 END) * 1.0 / SUM(open) AS current,
                    SUM(CASE WHEN age > 90 THEN open ELSE 0 END) * 1.0 / SUM(open) AS over90,
                    MAX(age) AS oldest
               FROM (SELECT company_id, julianday(?) - julianday(due_date) AS age,
                            ${CENTS("total_amount")} - ${CENTS("paid_amount")} AS open
                       FROM invoices WHERE kind = 'client' AND paid_amount < total_amount)
              GROUP BY company_id`,
          )
          .all(endDate) as Array<{
          company_id: number;
          current: number;
          over90: number;
          oldest: number;
        }>;
        expect(companies).toHaveLength(3);
        for (const company of companies) {
          const label = `${endDate} company ${company.company_id}`;
          expect(company.current, label).toBeGreaterThan(0.6);
          expect(company.over90, label).toBeLessThan(0.06);
          expect(company.oldest, label).toBeLessThan(270);
        }
      } finally {
        if (target !== db) target.close();
      }
    }
  });

  it("issues 20–60 sale and 20–60 purchase invoices per company in every full month", () => {
    const volume = all<{ company_id: number; month: string; sales: number; purchases: number }>(
      `SELECT company_id, substr(issue_date, 1, 7) AS month,
              SUM(kind = 'client') AS sales, SUM(kind = 'supplier') AS purchases
         FROM invoices WHERE issue_date < '2025-06-01' GROUP BY 1, 2`,
    );
    expect(volume).toHaveLength(23 * summary.companies);
    for (const row of volume) {
      expect(row.sales, `${row.company_id} ${row.month}`).toBeGreaterThanOrEqual(20);
      expect(row.sales).toBeLessThanOrEqual(60);
      expect(row.purchases, `${row.company_id} ${row.month}`).toBeGreaterThanOrEqual(20);
      expect(row.purchases).toBeLessThanOrEqual(60);
    }
  });
});

describe("demo ERP treasury", () => {
  it("mirrors every ledger line on 5311 / 5121.xx in treasury_movements, and nothing else", () => {
    const ledger = all<{
      company_id: number;
      account: string;
      n: number;
      receipts: number;
      payments: number;
    }>(
      `SELECT company_id, account, COUNT(*) AS n, SUM(receipt) AS receipts, SUM(payment) AS payments FROM (
         SELECT company_id, debit_account AS account, ${CENTS("amount")} AS receipt, 0 AS payment FROM ledger_entries
         UNION ALL SELECT company_id, credit_account, 0, ${CENTS("amount")} FROM ledger_entries)
        WHERE account = '5311' OR account LIKE '5121.%' GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    const treasury = all(
      `SELECT company_id, account_code AS account, COUNT(*) AS n, SUM(${CENTS("receipt")}) AS receipts,
              SUM(${CENTS("payment")}) AS payments
         FROM treasury_movements GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    expect(treasury).toEqual(ledger);
    const oneSided = one<{ n: number }>(
      "SELECT COUNT(*) AS n FROM treasury_movements WHERE (receipt > 0) = (payment > 0)",
    ).n;
    expect(oneSided).toBe(0);
  });

  it("reproduces the ledger balance of each cash and bank account on every date", () => {
    const dates = all<{ date: string }>(
      "SELECT DISTINCT date FROM treasury_movements WHERE date LIKE '%-15' OR date LIKE '%-28' ORDER BY date",
    );
    expect(dates.length).toBeGreaterThan(20);
    const mismatches = all(
      `WITH d AS (SELECT DISTINCT date AS at FROM treasury_movements WHERE date LIKE '%-15' OR date LIKE '%-28'),
       t AS (SELECT company_id, account_code, at, SUM(${CENTS("receipt")} - ${CENTS("payment")}) AS balance
               FROM treasury_movements JOIN d ON date <= at GROUP BY 1, 2, 3),
       l AS (SELECT company_id, account, at, SUM(delta) AS balance FROM (
               SELECT company_id, debit_account AS account, date, ${CENTS("amount")} AS delta FROM ledger_entries
               UNION ALL SELECT company_id, credit_account, date, -${CENTS("amount")} FROM ledger_entries)
               JOIN d ON date <= at WHERE account = '5311' OR account LIKE '5121.%' GROUP BY 1, 2, 3)
       SELECT t.*, l.balance AS ledger FROM t LEFT JOIN l
           ON l.company_id = t.company_id AND l.account = t.account_code AND l.at = t.at
        WHERE l.balance IS NULL OR l.balance <> t.balance LIMIT 5`,
    );
    expect(mismatches).toEqual([]);
  });

  it("keeps cash and bank balances non-negative after every movement", () => {
    const negative = all(
      `SELECT * FROM (
         SELECT company_id, account_code, id,
                SUM(${CENTS("receipt")} - ${CENTS("payment")})
                  OVER (PARTITION BY company_id, account_code ORDER BY id ROWS UNBOUNDED PRECEDING) AS balance
           FROM treasury_movements)
        WHERE balance < 0 LIMIT 5`,
    );
    expect(negative).toEqual([]);
  });

  it("names the partner on receipts and payments of invoices", () => {
    const missing = one<{ n: number }>(
      `SELECT COUNT(*) AS n FROM treasury_movements
        WHERE partner_id IS NULL AND (description LIKE 'Încasare factura %' OR description LIKE 'Plată factura %')`,
    ).n;
    expect(missing).toBe(0);
  });

  it("names each movement's paper as a Romanian treasury register does", () => {
    const types = all<{ document_type: string }>(
      "SELECT DISTINCT document_type FROM treasury_movements ORDER BY 1",
    ).map((row) => row.document_type);
    expect(types).toEqual(["CEC", "CH", "DP", "EXT", "FV", "NC", "OP"]);
    // The paper follows the money: a receipt in the till is a chitanță, a transfer an extras.
    const mismatched = all(
      `SELECT t.account_code, t.document_type, t.receipt, t.payment FROM treasury_movements t
        WHERE (t.document_type = 'CH' AND (t.account_code <> '5311' OR t.receipt = 0))
           OR (t.document_type = 'DP' AND (t.account_code <> '5311' OR t.payment = 0))
           OR (t.document_type = 'OP' AND (t.account_code NOT LIKE '5121.%' OR t.payment = 0))
           OR (t.document_type = 'EXT' AND t.account_code NOT LIKE '5121.%')
        LIMIT 5`,
    );
    expect(mismatched).toEqual([]);
  });
});

/** Counts of rows breaking the invariants every report relies on; all must be zero. */
function coreViolations(target: Database.Database, endDate: string): Record<string, number> {
  const count = (sql: string, ...params: unknown[]): number =>
    (target.prepare(`SELECT COUNT(*) AS n FROM (${sql})`).get(...params) as { n: number }).n;
  const signed = `SELECT company_id, document_type, document_id, debit_account AS account, ${CENTS("amount")} AS delta
                    FROM ledger_entries
                  UNION ALL
                  SELECT company_id, document_type, document_id, credit_account, -${CENTS("amount")}
                    FROM ledger_entries`;
  return {
    unbalancedDocuments: count(
      `SELECT 1 FROM (${signed}) GROUP BY company_id, document_type, document_id
       HAVING SUM(MAX(delta, 0)) <> SUM(MAX(-delta, 0))
       UNION ALL
       SELECT 1 FROM ledger_entries GROUP BY company_id, document_type, document_id
       HAVING COUNT(DISTINCT date) > 1 OR COUNT(DISTINCT document_number) > 1`,
    ),
    datesOutOfRange: count("SELECT 1 FROM ledger_entries WHERE date > ? OR amount <= 0", endDate),
    paidNotSumOfPayments: count(
      `SELECT 1 FROM invoices i WHERE ${CENTS("i.paid_amount")} <> COALESCE(
         (SELECT SUM(${CENTS("amount")}) FROM payments p WHERE p.invoice_id = i.id), 0)
         OR i.paid_amount > i.total_amount`,
    ),
    paymentsOutOfRange: count(
      "SELECT 1 FROM payments p JOIN invoices i ON i.id = p.invoice_id WHERE p.date < i.issue_date OR p.date > ?",
      endDate,
    ),
    treasuryNotLedger: count(
      `SELECT company_id, account, SUM(delta) AS balance FROM (${signed})
        WHERE account = '5311' OR account LIKE '5121.%' GROUP BY 1, 2
       EXCEPT
       SELECT company_id, account_code, SUM(${CENTS("receipt")} - ${CENTS("payment")}) FROM treasury_movements GROUP BY 1, 2`,
    ),
    negativeTreasury: count(
      `SELECT 1 FROM (SELECT SUM(${CENTS("receipt")} - ${CENTS("payment")})
         OVER (PARTITION BY company_id, account_code ORDER BY id ROWS UNBOUNDED PRECEDING) AS balance
         FROM treasury_movements) WHERE balance < 0`,
    ),
    partnerBalanceNotInvoices: count(
      `SELECT company_id, account, SUM(delta) FROM (${signed})
        WHERE account LIKE '4111.%' OR account LIKE '401.%' GROUP BY 1, 2 HAVING SUM(delta) <> 0
       EXCEPT
       SELECT company_id, CASE kind WHEN 'client' THEN '4111.' ELSE '401.' END || printf('%05d', partner_id),
              SUM(CASE kind WHEN 'client' THEN 1 ELSE -1 END * (${CENTS("total_amount")} - ${CENTS("paid_amount")}))
         FROM invoices GROUP BY 1, 2 HAVING SUM(${CENTS("total_amount")} - ${CENTS("paid_amount")}) <> 0`,
    ),
    unknownAccounts: count(
      `SELECT 1 FROM (${signed}) s WHERE NOT EXISTS
         (SELECT 1 FROM accounts a WHERE a.company_id = s.company_id AND a.code = s.account)`,
    ),
  };
}

describe("demo ERP invariants for other seeds and shapes", () => {
  const shapes = [
    { seed: 1, companies: 7, months: 36, scale: 0.3, endDate: "2024-12-31" },
    { seed: 99, companies: 3, months: 24, scale: 2, endDate: "2026-01-01" },
    { seed: 2024, companies: 1, months: 25, scale: 0.01, endDate: "2025-03-03" },
  ];
  it.each(shapes)("holds for %o", (shape) => {
    const target = new Database(":memory:");
    try {
      const result = generateDemoErp(target, shape);
      expect(result.counts.periods).toBe(shape.companies * shape.months);
      const violations = coreViolations(target, shape.endDate);
      expect(violations).toEqual(
        Object.fromEntries(Object.keys(violations).map((key) => [key, 0])),
      );
    } finally {
      target.close();
    }
  });

  it("holds for the main database too", () => {
    const violations = coreViolations(db, END_DATE);
    expect(
      Object.values(violations).every((n) => n === 0),
      JSON.stringify(violations),
    ).toBe(true);
  });
});

describe("demo ERP options", () => {
  it("is deterministic: the same options give identical rows, another seed differs", () => {
    const again = openDatabase("again.db");
    const other = openDatabase("other.db");
    try {
      generateDemoErp(again, { endDate: END_DATE });
      generateDemoErp(other, { endDate: END_DATE, seed: 7 });
      const original = dump(db);
      expect(dump(again)).toEqual(original);
      const different = dump(other);
      expect(different.ledger_entries).not.toEqual(original.ledger_entries);
      expect(different.invoices).not.toEqual(original.invoices);
    } finally {
      again.close();
      other.close();
    }
  });

  it("regenerates in place: a second run replaces the data instead of adding to it", () => {
    const target = openDatabase("twice.db");
    try {
      const first = generateDemoErp(target, { endDate: "2024-12-31", seed: 3 });
      const firstDump = dump(target);
      const second = generateDemoErp(target, { endDate: "2024-12-31", seed: 3 });
      expect(second.counts).toEqual(first.counts);
      expect(dump(target)).toEqual(firstDump);
    } finally {
      target.close();
    }
  });

  it("respects endDate, months, companies and scale", () => {
    const target = new Database(":memory:");
    try {
      const result = generateDemoErp(target, {
        endDate: "2024-02-29",
        months: 30,
        companies: 4,
        scale: 0.5,
        seed: 11,
      });
      expect(result.startDate).toBe("2021-09-01");
      expect(result.counts.companies).toBe(4);
      expect(result.counts.periods).toBe(4 * 30);
      const latest = target
        .prepare(
          `SELECT MAX(d) AS d FROM (SELECT MAX(date) AS d FROM ledger_entries UNION ALL SELECT MAX(date) FROM payments
             UNION ALL SELECT MAX(issue_date) FROM invoices UNION ALL SELECT MAX(date) FROM treasury_movements)`,
        )
        .get() as { d: string };
      expect(latest.d).toBe("2024-02-29");
      const earliest = target.prepare("SELECT MIN(date) AS d FROM ledger_entries").get() as {
        d: string;
      };
      expect(earliest.d).toBe("2021-09-01");
      const codes = (
        target.prepare("SELECT code FROM companies ORDER BY id").all() as Array<{ code: string }>
      ).map((r) => r.code);
      expect(new Set(codes).size).toBe(4);
      // Half the scale, roughly half the documents (the three full-size companies have ~17k lines).
      expect(result.counts.ledger_entries).toBeLessThan(summary.counts.ledger_entries);
    } finally {
      target.close();
    }
  });

  it("rejects options it cannot honour", () => {
    const target = new Database(":memory:");
    try {
      expect(() => generateDemoErp(target, { months: 12 })).toThrow(/at least 24/);
      expect(() => generateDemoErp(target, { endDate: "2025-02-30" })).toThrow(/calendar date/);
      expect(() => generateDemoErp(target, { endDate: "15.06.2025" })).toThrow(/YYYY-MM-DD/);
      expect(() => generateDemoErp(target, { scale: 0 })).toThrow(/scale/);
      expect(() => generateDemoErp(target, { scale: 0.001 })).toThrow(/at least 0.01/);
      expect(() => generateDemoErp(target, { companies: 0 })).toThrow(/companies/);
    } finally {
      target.close();
    }
  });
});
