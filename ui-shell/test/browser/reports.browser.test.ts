/**
 * The reports UI in a real browser: the dashboard's figures and charts, the invoice
 * list's filters, sort and reload, the company switch, the trial balance, export
 * requests and the phone layout. Build first (pnpm build).
 */
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  type BrowserEnv,
  describeBrowser,
  screenshot,
  signIn,
  startBrowserEnv,
} from "./harness.js";

let env: BrowserEnv;

/** `1.234.567,89` (Romanian) → 1234567.89 */
function parseMoney(text: string): number {
  return Number(text.replace(/[^\d,-]/g, "").replace(",", "."));
}

function reportsTabs(page: Page): Locator {
  return page.getByRole("navigation", { name: "Rapoarte" });
}

async function openReports(page: Page): Promise<void> {
  await page
    .getByRole("navigation", { name: "Module" })
    .getByRole("link", { name: "Rapoarte" })
    .click();
  await page.waitForURL("**/reports");
  await page.locator('[data-kpi="revenue"] .value').waitFor();
}

/** The invoice table's body rows (roa-data-table renders them in its shadow root). */
function invoiceRows(page: Page): Locator {
  return page.locator("reports-invoices roa-data-table tbody tr");
}

async function columnTexts(page: Page, column: number): Promise<string[]> {
  return invoiceRows(page).evaluateAll(
    (rows, index) => rows.map((row) => row.children[index]?.textContent?.trim() ?? ""),
    column,
  );
}

describeBrowser("reports UI", () => {
  beforeAll(async () => {
    env = await startBrowserEnv({ withFixtures: false });
  }, 120_000);

  afterAll(async () => {
    await env?.close();
  });

  it("shows the dashboard's figures and charts, and follows the company in the header", async () => {
    const page = await env.newPage();
    await signIn(page);
    await openReports(page);

    const revenue = page.locator('[data-kpi="revenue"] .value');
    expect(await revenue.textContent()).toMatch(/\d{1,3}(\.\d{3})*,\d{2}/);
    for (const kpi of ["expenses", "result", "cash", "bank", "receivables", "payables"]) {
      expect(await page.locator(`[data-kpi="${kpi}"] .value`).textContent()).toMatch(/\d,\d{2}/);
    }
    expect(await page.locator('[data-kpi="receivables"]').textContent()).toContain(
      "din care restante",
    );
    expect(
      await reportsTabs(page)
        .getByRole("link", { name: "Tablou de bord" })
        .getAttribute("aria-current"),
    ).toBe("page");

    // The charts: drawn once Chart.js has loaded, on a canvas with a text alternative.
    await page.locator("reports-chart[data-ready]").first().waitFor();
    const canvas = page.locator("reports-chart canvas").first();
    expect(await canvas.getAttribute("aria-label")).toContain("12 luni");
    const box = await canvas.boundingBox();
    expect(box?.width ?? 0).toBeGreaterThan(100);
    // Every month's figure in a (visually hidden) table for screen readers.
    expect(await page.locator("reports-chart").first().locator("tbody tr").count()).toBe(12);
    // One unit on the axis, named with the caption.
    expect(await page.locator("reports-chart figcaption").first().textContent()).toContain(
      "(mii lei)",
    );
    // The books end today: the current month is marked as not over, in the note and the table.
    const partial = page.locator('reports-chart [data-testid="partial-month"]').first();
    expect(await partial.textContent()).toMatch(
      /Hașurat: .+ este luna în curs, cu date până la \d{2}\.\d{2}\.\d{4}/,
    );
    expect(
      await page.locator("reports-chart").first().locator("tbody tr").last().textContent(),
    ).toContain("(lună în curs)");
    expect(
      await page.locator('reports-chart[kind="line"] [data-testid="partial-month"]').textContent(),
    ).toMatch(/Linie punctată: .+ este luna în curs/);
    expect(
      await page.locator("reports-chart").first().locator("tbody tr").first().textContent(),
    ).not.toContain("lună în curs");
    await screenshot(page, "reports-dashboard");
    await page.getByRole("combobox", { name: "Limba" }).selectOption("en");
    expect(await partial.textContent()).toMatch(/Hatched: .+ is the month in progress, figures to/);
    expect(await page.locator("reports-chart figcaption").first().textContent()).toContain(
      "(thousand lei)",
    );
    await page.getByRole("combobox", { name: "Language" }).selectOption("ro");

    // Another company in the header: the figures follow (and only that request counts).
    const before = await revenue.textContent();
    const companyBefore = await page.locator("reports-dashboard .meta").textContent();
    const select = page.getByLabel("Firmă");
    const current = await select.inputValue();
    const values = await select
      .locator("option")
      .evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value));
    const other = values.find((value) => value !== current) ?? "";
    expect(other).not.toBe("");
    const answer = page.waitForResponse(
      (response) =>
        response.url().includes(`/api/reports/dashboard?company=${other}&`) &&
        response.status() === 200,
    );
    await select.selectOption(other);
    await answer;
    await page.locator('[data-kpi="revenue"] .value', { hasNotText: before ?? "" }).waitFor();
    expect(await revenue.textContent()).not.toBe(before);
    expect(await page.locator("reports-dashboard .meta").textContent()).not.toBe(companyBefore);

    // The dashboard as a PDF, for the company now chosen.
    const request = page.waitForRequest((candidate) => candidate.url().includes("/export"));
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Exportă în PDF" }).click();
    const exportUrl = new URL((await request).url());
    expect(exportUrl.pathname).toBe("/api/reports/dashboard/export");
    expect(exportUrl.searchParams.get("company")).toBe(other);
    const saved = await download;
    expect(saved.suggestedFilename()).toMatch(/^tablou-de-bord_.*\.pdf$/);
    const { readFileSync } = await import("node:fs");
    expect(
      readFileSync(await saved.path())
        .subarray(0, 5)
        .toString("latin1"),
    ).toBe("%PDF-");
  }, 60_000);

  it("filters, sorts and pages invoices in the address, survives a reload, and asks for an export", async () => {
    const page = await env.newPage();
    await signIn(page);
    await openReports(page);

    const tab = reportsTabs(page).getByRole("link", { name: "Facturi" });
    await tab.click();
    await page.waitForURL("**/reports/invoices");
    await invoiceRows(page).first().waitFor();
    expect(await tab.getAttribute("aria-current")).toBe("page");
    const allNumbers = await columnTexts(page, 0);
    expect(allNumbers.length).toBeGreaterThan(0);

    // Filter: overdue invoices only — every row says how late it is.
    const overdue = page.waitForResponse(
      (response) =>
        response.url().includes("/api/reports/invoices?") &&
        response.url().includes("status=overdue"),
    );
    await page.getByLabel("Stare").selectOption("overdue");
    await overdue;
    expect(new URL(page.url()).searchParams.get("status")).toBe("overdue");
    await page.locator("reports-invoices roa-data-table:not([loading])").waitFor();
    const states = await columnTexts(page, 7);
    expect(states.length).toBeGreaterThan(0);
    for (const state of states) expect(state).toMatch(/restantă de/);
    expect(await columnTexts(page, 0)).not.toEqual(allNumbers);

    // Sort by the outstanding amount, ascending.
    const sorted = page.waitForResponse(
      (response) =>
        response.url().includes("sort=outstanding") && response.url().includes("direction=asc"),
    );
    await page
      .locator("reports-invoices roa-data-table")
      .getByRole("button", { name: /Rest de plată/ })
      .click();
    await sorted;
    await page.locator("reports-invoices roa-data-table:not([loading])").waitFor();
    const query = new URL(page.url()).searchParams;
    expect([query.get("sort"), query.get("direction"), query.get("status")]).toEqual([
      "outstanding",
      "asc",
      "overdue",
    ]);
    const amounts = (await columnTexts(page, 6)).map(parseMoney);
    expect(amounts).toEqual([...amounts].sort((a, b) => a - b));
    const rowsBeforeReload = await columnTexts(page, 0);
    await screenshot(page, "reports-invoices");

    // Reload: the same filtered, sorted page.
    const address = page.url();
    await page.reload();
    await invoiceRows(page).first().waitFor();
    await page.locator("reports-invoices roa-data-table:not([loading])").waitFor();
    expect(page.url()).toBe(address);
    expect(await page.getByLabel("Stare").inputValue()).toBe("overdue");
    expect(
      await page
        .locator("reports-invoices roa-data-table th[aria-sort]")
        .filter({ hasText: "Rest de plată" })
        .getAttribute("aria-sort"),
    ).toBe("ascending");
    expect(await columnTexts(page, 0)).toEqual(rowsBeforeReload);

    // Export: the button asks for the file with the same filters and the browser
    // saves the .xlsx the server streams.
    const request = page.waitForRequest((candidate) => candidate.url().includes("/export"));
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Exportă în Excel" }).click();
    const exportUrl = new URL((await request).url());
    expect(exportUrl.pathname).toBe("/api/reports/invoices/export");
    expect(Object.fromEntries(exportUrl.searchParams)).toMatchObject({
      format: "xlsx",
      status: "overdue",
      sort: "outstanding",
      direction: "asc",
      type: "client",
    });
    const saved = await download;
    expect(saved.suggestedFilename()).toMatch(/\.xlsx$/);
    const file = await saved.path();
    const { readFileSync } = await import("node:fs");
    // An xlsx is a zip: it starts with the local file header "PK\x03\x04".
    expect(readFileSync(file).subarray(0, 4).toString("latin1")).toBe("PK\x03\x04");
    await page.locator('reports-export button[data-format="xlsx"]:not([disabled])').waitFor();
    await page.getByText(/a fost descărcat/).waitFor();
    expect(await invoiceRows(page).count()).toBe(rowsBeforeReload.length);
  }, 60_000);

  it("shows the trial balance with its totals, and the aging and treasury pages", async () => {
    const page = await env.newPage();
    await signIn(page);
    await openReports(page);

    await reportsTabs(page).getByRole("link", { name: "Balanță de verificare" }).click();
    await page.waitForURL("**/reports/trial-balance");
    const total = page.locator('[data-testid="trial-balance-total"]');
    await total.waitFor();
    expect(await page.getByText("Balanța este echilibrată").count()).toBe(1);
    const cells = await total.locator("td").allTextContents();
    // Opening balances, turnover, "Total sume", closing balances: debit and credit each.
    expect(
      await page.locator("reports-trial-balance thead th[scope=colgroup]").allTextContents(),
    ).toEqual(["Solduri inițiale", "Rulaje perioadă", "Total sume", "Solduri finale"]);
    expect(cells).toHaveLength(8);
    // Debits equal credits in each pair of columns.
    expect(cells[0]).toBe(cells[1]);
    expect(cells[2]).toBe(cells[3]);
    expect(cells[4]).toBe(cells[5]);
    expect(cells[6]).toBe(cells[7]);
    // Total sume = opening + turnover.
    expect(Math.round(parseMoney(cells[4] ?? "") * 100)).toBe(
      Math.round((parseMoney(cells[0] ?? "") + parseMoney(cells[2] ?? "")) * 100),
    );
    expect(
      await total
        .locator("td")
        .first()
        .evaluate((cell) => getComputedStyle(cell).textAlign),
    ).toBe("right");
    const syntheticRows = await page.locator("reports-trial-balance tbody tr").count();
    await screenshot(page, "reports-trial-balance");

    const analytic = page.waitForResponse((response) => response.url().includes("level=analytic"));
    await page.getByLabel("Nivel").selectOption("analytic");
    await analytic;
    await page.locator('reports-trial-balance div[aria-busy="false"]').waitFor();
    expect(new URL(page.url()).searchParams.get("level")).toBe("analytic");
    expect(await page.locator("reports-trial-balance tbody tr").count()).toBeGreaterThan(
      syntheticRows,
    );

    // Aging: the buckets add up to the total shown.
    await reportsTabs(page).getByRole("link", { name: "Vechime solduri" }).click();
    await page.waitForURL("**/reports/aging");
    await page.locator('[data-testid="aging-total"]').waitFor();
    const buckets = await page.locator("reports-aging tbody tr td:nth-child(3)").allTextContents();
    expect(buckets).toHaveLength(5);
    const agingTotal = parseMoney(
      (await page.locator('[data-testid="aging-total"]').textContent()) ?? "",
    );
    expect(Math.round(buckets.map(parseMoney).reduce((a, b) => a + b, 0) * 100)).toBe(
      Math.round(agingTotal * 100),
    );

    // Treasury: accounts with their totals, and the movements.
    await reportsTabs(page).getByRole("link", { name: "Trezorerie" }).click();
    await page.waitForURL("**/reports/treasury");
    await page.locator('[data-testid="total-treasury"]').waitFor();
    await page.locator("reports-treasury roa-data-table tbody tr").first().waitFor();
    expect(await page.getByRole("button", { name: "Exportă în PDF" }).count()).toBe(1);
    // Each movement names its paper in Romanian: "Ordin de plată OP 12", "Extras de cont …".
    const documents = await page
      .locator("reports-treasury roa-data-table tbody tr td:nth-child(3)")
      .allTextContents();
    expect(documents.length).toBeGreaterThan(0);
    for (const document of documents) {
      expect(document.trim()).toMatch(
        /^(Chitanță|Dispoziție de plată|Extras de cont|Ordin de plată|Foaie de vărsământ|Cec de numerar|Notă contabilă) /,
      );
    }
  }, 60_000);

  it("fits a phone screen", async () => {
    const page = await env.newPage();
    await signIn(page);
    await page.setViewportSize({ width: 375, height: 740 });
    await page.goto("/reports");
    await page.locator('[data-kpi="revenue"] .value').waitFor();
    await page.locator("reports-chart[data-ready]").first().waitFor();
    // No sideways scrolling of the page itself (wide tables scroll in their box).
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      375,
    );
    await screenshot(page, "reports-dashboard-phone");
  }, 60_000);
});
