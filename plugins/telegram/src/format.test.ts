import { describe, expect, it } from "vitest";
import { visibleCompanies } from "./bot/accounts.js";
import { commandArgument } from "./bot/linking.js";
import { pickPeriod } from "./bot/report-commands.js";
import {
  type DashboardView,
  escapeHtml,
  formatAmount,
  formatDashboard,
  formatDueSoon,
  formatOcr,
  formatOverdueInvoices,
  formatTreasury,
  linkedMessage,
  plainText,
} from "./format.js";
import { type BotTexts, botTexts } from "./texts.js";

describe("formatAmount", () => {
  it("groups thousands, keeps two decimals and names the currency", () => {
    expect(formatAmount(1234567.891, "RON")).toBe("1.234.567,89 RON");
    expect(formatAmount(0, "RON")).toBe("0,00 RON");
    expect(formatAmount(999.995, "RON")).toBe("1.000,00 RON");
    expect(formatAmount(-1500, "EUR")).toBe("-1.500,00 EUR");
    expect(formatAmount(-0.001, "RON")).toBe("0,00 RON");
    expect(formatAmount(12, "RON")).toBe("12,00 RON");
  });
});

describe("escapeHtml", () => {
  it("escapes what Telegram's HTML parse mode requires", () => {
    expect(escapeHtml(`A & B <b>"x"</b>`)).toBe(`A &amp; B &lt;b&gt;"x"&lt;/b&gt;`);
  });
});

/** A dashboard with amounts that need grouping, for both languages. */
const report: DashboardView = {
  period: { label: "June 2025", as_of: "2025-06-15", closed: false },
  revenue: 1234567.5,
  expenses: 1000,
  result: 1233567.5,
  cash: 10,
  bank: 20000,
  receivables: { total: 300, overdue: 100 },
  payables: { total: 400, overdue: 0 },
};

describe("messages", () => {
  it("formats the dashboard with escaped names and formatted amounts", () => {
    const text = formatDashboard(report, { name: "Tom & <Jerry> SRL", currency: "RON" }, "en");
    expect(text).toContain("<b>Tom &amp; &lt;Jerry&gt; SRL</b>");
    expect(text).toContain("Revenue: <b>1.234.567,50 RON</b>");
    expect(text).toContain("Bank: 20.000,00 RON");
    expect(text).toContain("Receivables: 300,00 RON (overdue 100,00 RON)");
    expect(text).toContain("open, as of 2025-06-15");
  });

  it("escapes the user's name in the link confirmation", () => {
    expect(linkedMessage("<Demo>", "A&B", "en")).toContain("&lt;Demo&gt;");
    expect(linkedMessage("<Demo>", "A&B", "en")).toContain("A&amp;B");
  });

  it("reads command arguments and filters companies by grant", () => {
    expect(commandArgument("/link ABCD2345")).toBe("ABCD2345");
    expect(commandArgument("/start")).toBe("");
    expect(commandArgument(undefined)).toBe("");
    const all = [
      { id: 1, code: "A", name: "A", currency: "RON" },
      { id: 2, code: "B", name: "B", currency: "RON" },
    ];
    expect(visibleCompanies(all, "*")).toHaveLength(2);
    expect(visibleCompanies(all, [2]).map((c) => c.id)).toEqual([2]);
  });
});

describe("pickPeriod", () => {
  it("takes the newest period not after the current month", () => {
    const periods = [
      { year: 2025, month: 5 },
      { year: 2025, month: 7 },
      { year: 2025, month: 6 },
    ];
    expect(pickPeriod(periods, new Date("2025-06-20T00:00:00Z"))).toBe("2025-06");
    expect(pickPeriod(periods, new Date("2030-01-01T00:00:00Z"))).toBe("2025-07");
    expect(pickPeriod(periods, new Date("2020-01-01T00:00:00Z"))).toBe("2025-07");
    expect(pickPeriod([], new Date())).toBeUndefined();
  });
});

describe("invoice and treasury messages", () => {
  const company = { name: "Nord", currency: "RON" };

  it("lists a page of overdue invoices, escaped and numbered, with the page", () => {
    const text = formatOverdueInvoices(
      {
        period: { label: "2025-06" },
        total: 3,
        page: 2,
        page_size: 2,
        pages: 2,
        items: [
          {
            number: "F<1>",
            partner_name: "A & B",
            due_date: "2025-05-01",
            outstanding: 1500.5,
            days_overdue: 45,
          },
        ],
        totals: { outstanding: 4500 },
      },
      company,
      "en",
    );
    expect(text).toContain("3. F&lt;1&gt; · A &amp; B · 1.500,50 RON (45 days)");
    expect(text).toContain("outstanding <b>4.500,00 RON</b>");
    expect(text.endsWith("Page 2 of 2")).toBe(true);
    const empty = formatOverdueInvoices(
      {
        period: { label: "2025-06" },
        total: 0,
        page: 1,
        page_size: 10,
        pages: 0,
        items: [],
        totals: { outstanding: 0 },
      },
      company,
      "en",
    );
    expect(empty).toContain("No overdue client invoices.");
    expect(empty).not.toContain("Page");
  });

  it("shows each treasury account's closing balance and the totals", () => {
    const text = formatTreasury(
      {
        period: { label: "2025-06" },
        accounts: [{ code: "5311", name: "Casa în lei", kind: "cash", closing: 1234 }],
        totals: { cash: { closing: 1234 }, bank: { closing: 2000000 } },
      },
      company,
      "en",
    );
    expect(text).toContain("5311 Casa în lei: 1.234,00 RON");
    expect(text).toContain("Bank: <b>2.000.000,00 RON</b>");
    expect(text).not.toContain("Page");
  });

  it("shows one page of treasury accounts with the totals of all", () => {
    const accounts = [
      { code: "5121", name: "Bank A", kind: "bank" as const, closing: 10 },
      { code: "5311", name: "Cash", kind: "cash" as const, closing: 5 },
    ];
    const text = formatTreasury(
      {
        period: { label: "2025-06" },
        accounts,
        totals: { cash: { closing: 5 }, bank: { closing: 10 } },
      },
      company,
      "en",
      { items: accounts.slice(1), page: 2, pages: 2 },
    );
    expect(text).not.toContain("Bank A");
    expect(text).toContain("5311 Cash: 5,00 RON");
    expect(text).toContain("Bank: <b>10,00 RON</b>");
    expect(text.endsWith("Page 2 of 2")).toBe(true);
  });

  it("turns an HTML message into a plain notice", () => {
    expect(plainText("Send <code>/link CODE</code> &amp; wait &lt;1 min&gt;")).toBe(
      "Send /link CODE & wait <1 min>",
    );
  });
});

describe("formatDueSoon", () => {
  const list = (
    items: Array<{ due_date: string; number: string; outstanding: number }>,
    total = items.length,
  ) => ({
    period: { label: "noiembrie 2026", as_of: "2026-11-23" },
    total,
    page: 1,
    page_size: 5,
    pages: 1,
    items: items.map((item) => ({ ...item, partner_name: "Ana & Co", days_overdue: 0 })),
    totals: { outstanding: items.reduce((sum, item) => sum + item.outstanding, 0) },
  });

  it("lists the soonest, escapes names and says how many more there are", () => {
    const text = formatDueSoon(
      list(
        [
          { due_date: "2026-11-24", number: "F1", outstanding: 1000 },
          { due_date: "2026-11-25", number: "F2", outstanding: 250.5 },
        ],
        7,
      ),
      { currency: "RON" },
      "en",
    );
    expect(text).toContain("<b>Due in the next 7 days</b>: 7");
    expect(text).toContain("• 2026-11-24 · F1 · Ana &amp; Co · 1.000,00 RON");
    expect(text).toContain("… and 5 more");
  });

  it("says when nothing falls due", () => {
    expect(formatDueSoon(list([]), { currency: "RON" }, "en")).toContain(
      "Nothing falls due this week.",
    );
  });
});

describe("in Romanian and English", () => {
  const company = { name: "Ana SRL", currency: "RON" };

  it("formats the reports and the OCR result in the reader's language", () => {
    const ro = formatDashboard(report, company, "ro");
    expect(ro).toContain("Tablou de bord June 2025 (deschisă, la 2025-06-15)");
    expect(ro).toContain("Venituri: <b>1.234.567,50 RON</b>");
    expect(ro).toContain("Creanțe: 300,00 RON (restante 100,00 RON)");
    expect(
      formatDashboard({ ...report, period: { ...report.period, closed: true } }, company, "en"),
    ).toContain("Dashboard June 2025 (closed)");
    const invoices = formatOverdueInvoices(
      {
        period: { label: "2025-06" },
        total: 3,
        page: 2,
        page_size: 2,
        pages: 2,
        items: [
          {
            number: "F1",
            partner_name: "B",
            due_date: "2025-05-01",
            outstanding: 5,
            days_overdue: 1,
          },
        ],
        totals: { outstanding: 15 },
      },
      company,
      "ro",
    );
    expect(invoices).toContain(
      "Facturi restante de la clienți, 2025-06: 3, de încasat <b>15,00 RON</b>",
    );
    expect(invoices).toContain("3. F1 · B · 5,00 RON (1 zi)");
    expect(invoices.endsWith("Pagina 2 din 2")).toBe(true);
    const ocr = {
      merchant: "Lidl",
      date: null,
      total: 12.5,
      vat: null,
      currency: null,
      confidence: 0.8,
    };
    expect(formatOcr(7, ocr, "RON", "ro")).toContain("<b>Bonul nr. 7</b> citit (încredere 80%):");
    expect(formatOcr(7, ocr, "RON", "en")).toContain("Merchant: Lidl");
    expect(linkedMessage("Ana", null, "ro")).toBe(
      "Legat de roa2web ca <b>Ana</b>.\nTrimiteți /dashboard sau /help.",
    );
  });

  it("has every text in both languages, none left in English in the Romanian set", () => {
    // Each leaf of the texts, with functions called on sample arguments.
    const leaves = (texts: BotTexts): Map<string, string> => {
      const found = new Map<string, string>();
      const walk = (value: unknown, path: string) => {
        if (typeof value === "string") found.set(path, value);
        else if (typeof value === "function") found.set(path, String(value(2, 3, "x")));
        else if (value !== null && typeof value === "object") {
          for (const [key, inner] of Object.entries(value)) walk(inner, `${path}.${key}`);
        }
      };
      walk(texts, "");
      return found;
    };
    const ro = leaves(botTexts("ro"));
    const en = leaves(botTexts("en"));
    expect([...ro.keys()]).toEqual([...en.keys()]);
    // The same in both: words that are the same in Romanian ("Total").
    const same = [...ro].filter(([key, text]) => en.get(key) === text).map(([key]) => key);
    expect(same).toEqual([".ocr.total"]);
  });
});
