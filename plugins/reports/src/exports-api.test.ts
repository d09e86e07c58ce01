/**
 * The exports served by a real kernel over the demo ERP: the files hold every row the
 * JSON report counts, with the same totals; access and bad input answer JSON errors
 * before any byte; a client that leaves stops the export. Loads the BUILT plugin.
 */
import { existsSync, readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startTestKernel, type TestKernel } from "@roa2web/kernel/testing";
import type {
  AgingReport,
  DashboardReport,
  InvoiceList,
  TreasuryReport,
  TrialBalanceReport,
} from "@roa2web/reports-contract";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readPdf, sheetRows, unzip } from "./export/read-back.test-helper.js";

const packageRoot = path.resolve(fileURLToPath(new URL("..", import.meta.url)));
const packageJson = JSON.parse(readFileSync(path.join(packageRoot, "package.json"), "utf8")) as {
  name: string;
  roa2web: { name: string; entry: string; prefix: string };
};
const api = packageJson.roa2web.prefix;
const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

let t: TestKernel;
const logLines: Array<Record<string, unknown>> = [];
const tokens = { admin: "", reader: "", exporter: "" };
/** A closed month of the demo books, and the whole span of the books. */
let period = "";
const books = { from: "", to: "" };

beforeAll(async () => {
  if (!existsSync(path.join(packageRoot, packageJson.roa2web.entry))) {
    throw new Error(`Run \`pnpm --filter ${packageJson.name} run build\` first.`);
  }
  t = await startTestKernel({ plugins: [packageRoot], listen: true, logLines });
  tokens.admin = await t.login();
  await t.kernel.users.create({
    username: "reader",
    password: "reader-pass",
    permissions: ["reports:read"],
    companies: [2],
  });
  await t.kernel.users.create({
    username: "exporter",
    password: "exporter-pass",
    permissions: ["reports:read", "reports:export"],
    companies: [2],
  });
  tokens.reader = await t.login("reader", "reader-pass");
  tokens.exporter = await t.login("exporter", "exporter-pass");
  const erp = new Database(path.join(t.dataDir, "demo-erp.db"), { readonly: true });
  const closed = erp
    .prepare(
      "SELECT year, month FROM periods WHERE company_id = 1 AND closed = 1 ORDER BY year DESC, month DESC",
    )
    .get() as { year: number; month: number };
  const meta = erp
    .prepare("SELECT key, value FROM meta WHERE key IN ('start_date', 'end_date')")
    .all() as Array<{
    key: string;
    value: string;
  }>;
  erp.close();
  period = `${closed.year}-${String(closed.month).padStart(2, "0")}`;
  books.from = meta.find((row) => row.key === "start_date")?.value ?? "";
  books.to = meta.find((row) => row.key === "end_date")?.value ?? "";
});
afterAll(async () => {
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

async function xlsx(url: string, who: keyof typeof tokens = "admin") {
  const response = await get(url, who);
  expect(response.statusCode, response.body.slice(0, 300)).toBe(200);
  expect(response.headers["content-type"]).toBe(XLSX);
  const parts = await unzip(response.rawPayload);
  const rows = sheetRows(parts.get("xl/worksheets/sheet1.xml") as string);
  const headerIndex = rows.findIndex((row) => row.cells[0]?.s === "1");
  const body = rows.slice(headerIndex + 1);
  const totals = body.at(-1)?.cells[0]?.v.startsWith("Total") ? body.pop() : undefined;
  return {
    response,
    title: rows.slice(0, headerIndex),
    header: rows[headerIndex],
    data: body,
    totals,
  };
}

/** A totals row's value in column `letter`, as a number. */
function total(
  row: { cells: Array<{ ref: string; v: string }> } | undefined,
  letter: string,
): number {
  return Number(row?.cells.find((cell) => cell.ref.replace(/\d+/, "") === letter)?.v ?? 0);
}

describe("invoice exports", () => {
  it("xlsx: every invoice of the list, in its order, with its totals and a clear file name", async () => {
    const query = `company=1&period=${period}&type=client`;
    const list = await json<InvoiceList>(`/invoices?${query}&page_size=500`);
    expect(list.total).toBeGreaterThan(0);
    const file = await xlsx(`/invoices/export?${query}&format=xlsx`);
    expect(file.response.headers["content-disposition"]).toBe(
      `attachment; filename="facturi-clienti_NORD_${period}.xlsx"; filename*=UTF-8''facturi-clien%C8%9Bi_NORD_${period}.xlsx`,
    );
    expect(file.response.headers["cache-control"]).toBe("no-store");
    expect(file.data).toHaveLength(list.total);
    const first = list.items[0] as InvoiceList["items"][number];
    const cells = file.data[0]?.cells ?? [];
    expect(cells[0]?.v).toBe(first.number);
    // A real date cell: the day number of the issue date, with the date style.
    const day = (Date.parse(`${first.issue_date}T00:00:00Z`) - Date.UTC(1899, 11, 30)) / 86_400_000;
    expect(cells[2]).toMatchObject({ s: "3", v: String(day) });
    expect(Number(cells[4]?.v)).toBe(first.total_amount);
    expect(cells[4]?.s).toBe("2");
    expect(total(file.totals, "E")).toBe(list.totals?.total_amount);
    expect(total(file.totals, "G")).toBe(list.totals?.outstanding);
    expect(file.title.map((row) => row.cells[0]?.v).join("\n")).toContain("Nord");
  });

  it("xlsx: the receivables list (unpaid, any issue date) is complete beyond one page", async () => {
    const query = `company=1&period=${period}&type=client&status=unpaid&sort=due_date`;
    const list = await json<InvoiceList>(`/invoices?${query}&page_size=1`);
    const file = await xlsx(`/invoices/export?${query}&format=xlsx&page=3&page_size=1`);
    // The file name says which list it is: the filter is part of it.
    expect(file.response.headers["content-disposition"]).toContain(
      `filename="facturi-clienti_NORD_${period}_neachitate.xlsx"`,
    );
    expect(file.data).toHaveLength(list.total);
    expect(total(file.totals, "G")).toBe(list.totals?.outstanding);
  });

  it("pdf: a paged A4 table whose text a viewer reads, company and totals included", async () => {
    const query = `company=3&period=${period}&type=supplier`;
    const list = await json<InvoiceList>(`/invoices?${query}&page_size=1`);
    const response = await get(`/invoices/export?${query}&format=pdf`);
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("application/pdf");
    expect(response.headers["content-disposition"]).toMatch(
      /filename="facturi-furnizori_DUNA_.*\.pdf"/,
    );
    expect(response.rawPayload.subarray(0, 5).toString()).toBe("%PDF-");
    const pdf = await readPdf(response.rawPayload);
    // About 40 rows a page, the first page shorter by the title block.
    expect(pdf.pages).toBeGreaterThanOrEqual(Math.ceil(list.total / 41));
    expect(pdf.pages).toBeLessThanOrEqual(Math.ceil(list.total / 30) + 1);
    const text = pdf.text.join("\n");
    expect(text).toContain("Facturi furnizori");
    expect(text).toContain("Dunărea");
    expect(text).toContain(`Total (${list.total} facturi)`);
    expect(pdf.text.at(-1)).toContain(`Pagina ${pdf.pages}`);
  });
});

describe("aging, treasury and trial balance exports", () => {
  it("aging: one line per partner, adding up to the JSON aging", async () => {
    const aging = await json<AgingReport>(`/invoices/aging?company=1&period=${period}&type=client`);
    const file = await xlsx(
      `/invoices/aging/export?company=1&period=${period}&type=client&format=xlsx`,
    );
    const partners = new Set(file.data.map((row) => row.cells[0]?.v));
    expect(partners.size).toBe(file.data.length);
    expect(total(file.totals, "G")).toBe(aging.total);
    expect(total(file.totals, "H")).toBe(aging.invoices);
    aging.buckets.forEach((bucket, index) => {
      expect(total(file.totals, String.fromCharCode(66 + index))).toBe(bucket.amount);
    });
  });

  it("treasury: every movement of the period, receipts and payments as in the report", async () => {
    const report = await json<TreasuryReport>(`/treasury?company=2&period=${period}&page_size=1`);
    const file = await xlsx(`/treasury/export?company=2&period=${period}&format=xlsx`, "exporter");
    expect(file.data).toHaveLength(report.movements.total);
    // The document column names the paper in Romanian, then its number: "Ordin de plată OP 12".
    const papers = [
      "Chitanță",
      "Dispoziție de plată",
      "Extras de cont",
      "Ordin de plată",
      "Foaie de vărsământ",
      "Cec de numerar",
      "Notă contabilă",
    ];
    const named = file.data.map(
      (row) => papers.find((paper) => row.cells[2]?.v.startsWith(`${paper} `)) ?? row.cells[2]?.v,
    );
    for (const paper of new Set(named)) expect(papers).toContain(paper);
    expect(named).toContain("Ordin de plată");
    const receipts = report.totals.cash.receipts * 100 + report.totals.bank.receipts * 100;
    expect(Math.round(total(file.totals, "E") * 100)).toBe(Math.round(receipts));
  });

  it.each(["analytic", "synthetic"])(
    "trial balance (%s): the report's lines and totals",
    async (level) => {
      const query = `company=1&period=${period}&level=${level}`;
      const report = await json<TrialBalanceReport>(`/trial-balance?${query}`);
      const file = await xlsx(`/trial-balance/export?${query}&format=xlsx`);
      expect(file.data.map((row) => row.cells[0]?.v)).toEqual(
        report.lines.map((line) => line.account),
      );
      // Opening, turnover, "Total sume", closing: each a debit and a credit column, C to J.
      const columns = [
        "opening_debit",
        "opening_credit",
        "period_debit",
        "period_credit",
        "total_debit",
        "total_credit",
        "closing_debit",
        "closing_credit",
      ] as const;
      expect(file.header?.cells.slice(2).map((cell) => cell.v)).toEqual([
        "Sold inițial D",
        "Sold inițial C",
        "Rulaj D",
        "Rulaj C",
        "Total sume D",
        "Total sume C",
        "Sold final D",
        "Sold final C",
      ]);
      columns.forEach((column, index) => {
        expect(total(file.totals, String.fromCharCode(67 + index)), column).toBe(
          report.totals[column],
        );
      });
      const cents = (row: (typeof file.data)[number], letter: string) =>
        Math.round(Number(row.cells.find((cell) => cell.ref.startsWith(letter))?.v ?? 0) * 100);
      for (const row of file.data) {
        expect(cents(row, "G")).toBe(cents(row, "C") + cents(row, "E"));
        expect(cents(row, "H")).toBe(cents(row, "D") + cents(row, "F"));
      }
    },
  );

  it("trial balance pdf: diacritics and right-aligned amounts are there", async () => {
    const response = await get(
      `/trial-balance/export?company=2&period=${period}&level=synthetic&format=pdf`,
    );
    expect(response.statusCode).toBe(200);
    const pdf = await readPdf(response.rawPayload);
    const text = pdf.text.join("\n");
    expect(text).toContain("Balanță de verificare sintetică");
    expect(text).toContain("Carpați");
    expect(text).toContain("Sold inițial D");
    expect(text).toContain("Total sume C");
  });
});

describe("the dashboard as a file", () => {
  it("xlsx: the 12-month series with its totals, the period's figures in the title", async () => {
    const dashboard = await json<DashboardReport>(`/dashboard?company=1&period=${period}`);
    const file = await xlsx(`/dashboard/export?company=1&period=${period}&format=xlsx`);
    expect(file.response.headers["content-disposition"]).toBe(
      `attachment; filename="tablou-de-bord_NORD_${period}.xlsx"; filename*=UTF-8''tablou-de-bord_NORD_${period}.xlsx`,
    );
    expect(file.data.map((row) => row.cells[0]?.v)).toEqual(
      dashboard.series.map((month) => month.month),
    );
    expect(Number(file.data[0]?.cells[1]?.v)).toBe(dashboard.series[0]?.revenue);
    const sum = (key: "revenue" | "expenses" | "result") =>
      dashboard.series.reduce((bani, month) => bani + Math.round(month[key] * 100), 0) / 100;
    expect(total(file.totals, "B")).toBe(sum("revenue"));
    expect(total(file.totals, "C")).toBe(sum("expenses"));
    expect(total(file.totals, "D")).toBe(sum("result"));
    // The period's figures are number cells with the amount format, not text.
    const figure = (label: string) => file.title.find((row) => row.cells[0]?.v === label)?.cells[1];
    for (const [label, value] of [
      ["Venituri", dashboard.revenue],
      ["Cheltuieli", dashboard.expenses],
      ["Rezultat", dashboard.result],
      ["Casa", dashboard.cash],
      ["Creanțe", dashboard.receivables.total],
      ["Datorii", dashboard.payables.total],
    ] as const) {
      expect(figure(label), label).toMatchObject({ s: "2" });
      expect(figure(label)?.t, label).toBeUndefined();
      expect(Number(figure(label)?.v), label).toBe(value);
    }
    const title = file.title.map((row) => row.cells[0]?.v).join("\n");
    expect(title).toContain("Tablou de bord");
    expect(title).toContain("Nord");
    expect(title).toContain("Creanțe");
  });
});

describe("format on a report's own URL", () => {
  it.each([
    ["/dashboard", `company=1&period=PERIOD`],
    ["/invoices", `company=1&period=PERIOD&type=client`],
    ["/invoices/aging", `company=1&period=PERIOD&type=supplier`],
    ["/treasury", `company=1&period=PERIOD`],
    ["/trial-balance", `company=1&period=PERIOD&level=synthetic`],
  ])("%s answers the same file as its /export URL, and JSON for format=json", async (path, raw) => {
    const query = raw.replace("PERIOD", period);
    const own = await get(`${path}?${query}&format=xlsx`);
    const exported = await get(`${path}/export?${query}&format=xlsx`);
    expect(own.statusCode, own.body.slice(0, 200)).toBe(200);
    expect(own.headers["content-type"]).toBe(XLSX);
    expect(own.headers["content-disposition"]).toBe(exported.headers["content-disposition"]);
    const sheet = async (response: typeof own) =>
      sheetRows((await unzip(response.rawPayload)).get("xl/worksheets/sheet1.xml") as string)
        // The "generated at" line differs by the minute at most: compare the table.
        .filter((row) => !row.cells[0]?.v.startsWith("Generat la"));
    expect(await sheet(own)).toEqual(await sheet(exported));
    const pdf = await get(`${path}?${query}&format=pdf`);
    expect(pdf.headers["content-type"]).toBe("application/pdf");
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe("%PDF-");
    const asJson = await get(`${path}?${query}&format=json`);
    expect(asJson.statusCode).toBe(200);
    expect(asJson.json()).toEqual((await get(`${path}?${query}`)).json());
  });

  it("needs reports:export for a file, not for JSON; an unknown format is a 400", async () => {
    const query = `company=2&period=${period}`;
    const file = await get(`/trial-balance?${query}&format=pdf`, "reader");
    expect(file.statusCode).toBe(403);
    expect(file.json().error).toMatchObject({
      code: "FORBIDDEN",
      details: { permission: "reports:export" },
    });
    expect((await get(`/trial-balance?${query}`, "reader")).statusCode).toBe(200);
    expect((await get(`/trial-balance?${query}&format=xlsx`, "exporter")).statusCode).toBe(200);
    const unknown = await get(`/dashboard?${query}&format=doc`);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.code).toBe("VALIDATION_FAILED");
    expect(unknown.json().error.message).toContain("format");
    expect(unknown.json().error.message).toContain("xlsx");
  });
});

describe("export access and input", () => {
  it("needs reports:export (403), a granted company (403) and an existing one (404)", async () => {
    const query = `period=${period}&type=client&format=xlsx`;
    const noPermission = await get(`/invoices/export?company=2&${query}`, "reader");
    expect(noPermission.statusCode).toBe(403);
    expect(noPermission.json().error.code).toBe("FORBIDDEN");
    const otherCompany = await get(`/invoices/export?company=1&${query}`, "exporter");
    expect(otherCompany.statusCode).toBe(403);
    expect(otherCompany.headers["content-type"]).toMatch(/application\/json/);
    // The SDK's refusal, worded as every plugin and the kernel word it.
    expect(otherCompany.json().error).toMatchObject({
      code: "FORBIDDEN",
      message: "You may not see company 1",
      details: { company: 1 },
    });
    const unknown = await get(`/invoices/export?company=999&${query}`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe("NOT_FOUND");
    const granted = await get(`/invoices/export?company=2&${query}`, "exporter");
    expect(granted.statusCode).toBe(200);
    const anonymous = await t.inject({
      method: "GET",
      url: `${api}/invoices/export?company=1&${query}`,
    });
    expect(anonymous.statusCode).toBe(401);
  });

  it.each([
    [
      "an unknown format",
      "/invoices/export?company=1&period=2025-06&type=client&format=csv",
      "format",
    ],
    ["no format", "/invoices/export?company=1&period=2025-06&type=client", "format"],
    ["a malformed period", "/trial-balance/export?company=1&period=2025-13&format=xlsx", "period"],
    [
      "an unknown status",
      "/invoices/export?company=1&period=2025-06&type=client&status=lost&format=pdf",
      "status",
    ],
    ["a negative page", "/treasury/export?company=1&period=2025-06&page=-1&format=xlsx", "page"],
    [
      "an unknown parameter",
      "/invoices/aging/export?company=1&period=2025-06&type=client&format=xlsx&x=1",
      "x",
    ],
  ])("answers 400 JSON for %s", async (_name, url, field) => {
    const response = await get(url);
    expect(response.statusCode).toBe(400);
    expect(response.headers["content-type"]).toMatch(/application\/json/);
    expect(response.json().error.code).toBe("VALIDATION_FAILED");
    expect(response.json().error.message).toContain(field);
  });
});

describe("a client that leaves", () => {
  // Bigger books than the other tests need: the file must outgrow the sockets' buffers.
  let big: TestKernel;
  const bigLog: Array<Record<string, unknown>> = [];
  beforeAll(async () => {
    big = await startTestKernel({
      plugins: [packageRoot],
      listen: true,
      logLines: bigLog,
      env: { ERP_DEMO_SCALE: "8" },
    });
  });
  afterAll(async () => {
    await big?.close();
  });

  it("stops the export and its query", async () => {
    const token = await big.login();
    const longExport = new URL(
      `${api}/invoices/export?company=1&from=${books.from}&to=${books.to}&type=client&format=pdf`,
      big.url,
    );
    const firstBytes = await new Promise<Buffer>((resolve, reject) => {
      const request = http.get(
        longExport,
        { headers: { authorization: `Bearer ${token}` } },
        (response) => {
          response.once("data", (chunk: Buffer) => {
            request.destroy();
            resolve(chunk);
          });
        },
      );
      request.on("error", (error) => {
        if ((error as NodeJS.ErrnoException).code !== "ECONNRESET") reject(error);
      });
    });
    expect(firstBytes.subarray(0, 5).toString()).toBe("%PDF-");
    // The pump logs once its source is closed: wait for that line, not for a time.
    const ended = () => bigLog.find((line) => /^Report export/.test(String(line.msg)));
    for (let round = 0; round < 1000 && !ended(); round++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(ended()?.msg, JSON.stringify(ended())).toBe(
      "Report export stopped: the client went away",
    );
    const list = await big.inject({
      method: "GET",
      url: `${api}/invoices?company=1&from=${books.from}&to=${books.to}&type=client&page_size=1`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(Number(ended()?.rows)).toBeLessThan((list.json() as InvoiceList).total);
  });
});
