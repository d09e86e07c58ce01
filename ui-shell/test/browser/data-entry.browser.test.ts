/**
 * Data entry in a real browser: the receipts list, a receipt typed in and then a scan
 * attached (the photo creates the receipt with what was typed), its proposed entries
 * edited, submitted and approved; a rejection with a reason; a server validation
 * error, then a dropped file that creates a DRAFT with a field still missing and a
 * text file the server refuses (shown in Romanian); the form
 * on a phone. OCR is off here (the test kernel's default): the UI says so. OCR on
 * (the photo-first flow) is data-entry-ocr.browser.test.ts.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { inject } from "../../../kernel/core/test/helpers/test-kernel.js";
import {
  fillReceiptForm,
  HAVE_RECEIPTS,
  NO_RECEIPTS,
  openDataEntry,
  recentWeekday,
  SCAN,
  SCAN_PATH,
  signInTo,
  statusBadge,
  waitForText,
} from "./data-entry-helpers.js";
import {
  type BrowserEnv,
  describeBrowser,
  screenshot,
  signIn,
  startBrowserEnv,
} from "./harness.js";

let env: BrowserEnv;

/** The first day of this month: in the ERP's open period (the demo closes all but the last two). */
function thisMonth(day = "01"): string {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}-${day}`;
}

/** A receipt made through the API (as the demo user), for pages that read it. */
async function apiReceipt(body: Record<string, unknown>): Promise<number> {
  const token = await env.kernel.login();
  const response = await inject(env.kernel.kernel, {
    method: "POST",
    url: "/api/data-entry/receipts",
    headers: { authorization: `Bearer ${token}` },
    payload: { tax_id: "", vat: 0, currency: "RON", ...body },
  });
  expect(response.statusCode, response.body).toBe(201);
  return (response.json() as { id: number }).id;
}

async function companyNames(): Promise<Map<number, string>> {
  const token = await env.kernel.login();
  const response = await inject(env.kernel.kernel, {
    method: "GET",
    url: "/api/companies",
    headers: { authorization: `Bearer ${token}` },
  });
  const items = (response.json() as { items: Array<{ id: number; name: string }> }).items;
  return new Map(items.map((company) => [company.id, company.name]));
}

/** The element focused inside shadow roots (document.activeElement stops at the host). */
async function deepFocused(page: Page): Promise<string> {
  return page.evaluate(() => {
    let element: Element | null = document.activeElement;
    while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
    return element
      ? `${element.tagName.toLowerCase()}[name=${element.getAttribute("name") ?? ""}]`
      : "";
  });
}

async function proposeAndSubmit(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Propune" }).click();
  await waitForText(page.getByRole("status"), "Debit = credit");
  await page.getByRole("button", { name: "Trimite spre aprobare" }).click();
  await waitForText(statusBadge(page), "În aprobare");
}

describeBrowser("data-entry UI", () => {
  beforeAll(async () => {
    env = await startBrowserEnv({ withFixtures: false });
  }, 120_000);

  afterAll(async () => {
    await env?.close();
  });

  it.skipIf(!HAVE_RECEIPTS)(
    `creates a receipt from what was typed and a scan, edits its entries, submits and approves it${HAVE_RECEIPTS ? "" : ` (${NO_RECEIPTS})`}`,
    async () => {
      const page = await env.newPage();
      await signIn(page);
      await openDataEntry(page);
      await page.getByText("Nu există încă bonuri").waitFor();

      await page.getByRole("link", { name: "Bon nou" }).click();
      await page.getByRole("heading", { name: "Bon nou" }).waitFor();
      expect(new URL(page.url()).pathname).toBe("/data-entry/new");

      // Client-side checks name the field before anything is sent.
      await page.getByRole("button", { name: "Salvează bonul" }).click();
      await page.getByText("Completați furnizorul.").waitFor();
      expect(await deepFocused(page)).toBe("input[name=merchant]");

      await fillReceiptForm(page, {
        merchant: "ALDI GmbH & Co. KG",
        taxId: "DE136695976",
        date: "2020-03-02",
        total: "24,23",
        vat: "1,59",
      });
      await page.getByLabel("Monedă").fill("EUR");
      // A photo before saving creates the receipt at once, with what was typed.
      await page.locator("data-entry-attachments input.picker").setInputFiles(SCAN_PATH);
      await page.getByRole("heading", { name: /^Bonul nr\. \d+$/ }).waitFor();
      expect(new URL(page.url()).pathname).toMatch(/^\/data-entry\/receipts\/\d+$/);
      // The upload landed: the attachment is listed with its name (a download link).
      await page.getByRole("button", { name: SCAN }).waitFor();
      await page.getByText("Bonul a fost creat din fișier ca ciornă.").waitFor();
      expect(await page.getByLabel("Furnizor").inputValue()).toBe("ALDI GmbH & Co. KG");
      expect(await page.getByLabel("Total", { exact: true }).inputValue()).toBe("24,23");
      expect(await page.getByLabel("Monedă").inputValue()).toBe("EUR");
      // Everything was typed: nothing is missing.
      expect(await page.getByTestId("missing-fields").count()).toBe(0);
      await screenshot(page, "data-entry-form");
      // OCR is off on this server: the UI says so instead of offering it.
      await page.getByText("Citirea automată (OCR) nu este activă").waitFor();
      expect(await page.getByRole("button", { name: "Citește cu OCR" }).count()).toBe(0);
      await waitForText(statusBadge(page), "Ciornă");

      // Euro in 2020: the ERP has no BNR rate that far back. The page says so, and the
      // proposal is refused rather than booking euro as lei.
      await waitForText(
        page.getByTestId("notice-NO_EXCHANGE_RATE"),
        "ERP-ul nu are curs BNR pentru EUR",
      );
      await page.getByRole("button", { name: "Propune" }).click();
      await page.getByText("ERP-ul nu are curs BNR pentru moneda și data bonului").waitFor();
      expect(await page.getByLabel("Debit, rândul 1").count()).toBe(0);
      // Dated inside the ERP's rates: proposed in lei at the BNR rate, both amounts shown.
      await page.getByLabel("Data", { exact: true }).fill(recentWeekday());
      await page.getByRole("button", { name: "Salvează modificările" }).click();
      await page.getByText("Modificările au fost salvate.").waitFor();
      await page.getByTestId("notice-NO_EXCHANGE_RATE").waitFor({ state: "detached" });

      // Entries: the proposal balances; an edit that unbalances blocks saving.
      await page.getByRole("button", { name: "Propune" }).click();
      await waitForText(page.getByRole("status"), "Debit = credit");
      const rate = page.getByTestId("exchange-rate");
      await waitForText(rate, "Curs BNR din");
      // German VAT is not deductible: expense and supplier only, no 4426.
      expect(await page.getByLabel("Cont, rândul 1").inputValue()).toBe("6022");
      expect(await page.getByLabel("Cont, rândul 3").count()).toBe(0);
      const credit = page.getByLabel("Credit, rândul 2");
      const lei = await credit.inputValue();
      expect(await rate.textContent()).toContain(`24,23 EUR = ${lei} RON`);
      expect(lei).not.toBe("24,23");
      await screenshot(page, "data-entry-foreign-currency");
      // In English for an English reader; what is stored in the books stays Romanian.
      await page.getByRole("combobox", { name: "Limba" }).selectOption("en");
      await waitForText(rate, "BNR rate of");
      expect(await rate.textContent()).toContain("24.23 EUR =");
      await waitForText(
        page.getByTestId("notice-SUPPLIER_UNKNOWN"),
        "The ERP does not know this supplier",
      );
      expect(await page.getByText("VAT paid abroad is not deductible").count()).toBe(1);
      expect(await page.getByLabel("Explanation, line 1").inputValue()).toMatch(/^Cheltuială: /);
      await page.getByRole("combobox", { name: "Language" }).selectOption("ro");
      await waitForText(rate, "Curs BNR din");
      const less = (Number(lei.replace(",", ".")) - 0.23).toFixed(2).replace(".", ",");
      await credit.fill(less);
      await waitForText(page.getByRole("status"), "Debit ≠ credit");
      expect(await page.getByRole("button", { name: "Salvează notele" }).isDisabled()).toBe(true);
      expect(await page.getByRole("button", { name: "Trimite spre aprobare" }).isDisabled()).toBe(
        true,
      );
      await page.getByRole("button", { name: "Adaugă rând" }).click();
      await page.getByLabel("Cont, rândul 3").fill("5311");
      expect(await page.getByLabel("Credit, rândul 3").inputValue()).toBe("0,23");
      await waitForText(page.getByRole("status"), "Debit = credit");
      await screenshot(page, "data-entry-entries");
      await page.getByRole("button", { name: "Salvează notele" }).click();
      await page.getByText("Notele contabile au fost salvate.").waitFor();

      await page.getByRole("button", { name: "Trimite spre aprobare" }).click();
      await waitForText(statusBadge(page), "În aprobare");
      await page.getByRole("button", { name: "Aprobă" }).click();
      await waitForText(statusBadge(page), "Aprobat");
      // Approved receipts are frozen: the entries are text, not input boxes, in the
      // totals' number format, and nothing is marked "to fill in".
      expect(await page.getByLabel("Furnizor").isDisabled()).toBe(true);
      await page.locator("data-entry-entries tr.read-only").first().waitFor();
      expect(await page.locator("data-entry-entries input").count()).toBe(0);
      // The expense in lei, as proposed (foreign VAT stays in it), written like the totals.
      expect(await page.locator("data-entry-entries tbody").textContent()).toContain(lei);
      expect(await page.locator("data-entry-receipt .missing-note").count()).toBe(0);
      await page.getByText("Creat", { exact: true }).waitFor();

      await page.getByRole("link", { name: "← Bonuri și facturi" }).click();
      await page.getByRole("heading", { name: "Bonuri și facturi" }).waitFor();
      // Dated a week back, it may sit in the month before the header's: all periods.
      await page.getByRole("button", { name: "Toate perioadele" }).click();
      const row = page.getByRole("row").filter({ hasText: "ALDI GmbH & Co. KG" });
      await waitForText(row, "Aprobat");
      expect(await row.textContent()).toContain("24,23");

      // The status filter lives in the address: a reload keeps it.
      await page.getByLabel("Stare").selectOption("APPROVED");
      await page.waitForURL(/status=APPROVED/);
      await page.reload();
      await page.getByRole("heading", { name: "Bonuri și facturi" }).waitFor();
      expect(await page.getByLabel("Stare").inputValue()).toBe("APPROVED");
      await waitForText(page.getByRole("row").filter({ hasText: "ALDI" }), "Aprobat");
      await screenshot(page, "data-entry-list");
    },
    90_000,
  );

  it("lists the header's period, names a receipt's company, warns about another company and a closed period, in Romanian and English", async () => {
    const page = await env.newPage();
    await signIn(page);
    await openDataEntry(page);
    const companySelect = page.getByRole("combobox", { name: "Firmă" });
    const current = Number(await companySelect.inputValue());
    const other = current === 1 ? 2 : 1;
    const names = await companyNames();
    const month = new Date().toLocaleDateString("ro-RO", { year: "numeric", month: "long" });
    await apiReceipt({
      company_id: current,
      merchant: "Librăria Lunii",
      date: thisMonth(),
      total: 10,
    });
    const old = await apiReceipt({
      company_id: current,
      merchant: "Magazinul Vechi",
      date: "2025-01-20",
      total: 20,
    });
    const foreign = await apiReceipt({
      company_id: other,
      merchant: "Cafeneaua Altei Firme",
      date: thisMonth(),
      total: 30,
    });

    // The list shows the header's month and says so; "all periods" shows the rest.
    await page.reload();
    await waitForText(page.getByTestId("list-period"), `Perioada: ${month}`);
    await page.getByRole("link", { name: "Librăria Lunii" }).waitFor();
    expect(await page.getByRole("link", { name: "Magazinul Vechi" }).count()).toBe(0);
    await page.getByRole("button", { name: "Toate perioadele" }).click();
    await page.getByRole("link", { name: "Magazinul Vechi" }).waitFor();
    expect(new URL(page.url()).searchParams.get("periods")).toBe("all");
    await page.getByRole("button", { name: `Doar ${month}` }).click();
    await page.getByRole("link", { name: "Magazinul Vechi" }).waitFor({ state: "detached" });

    // A receipt names its company; one dated in a closed period says so.
    await page.goto(`/data-entry/receipts/${old}`);
    await waitForText(page.getByTestId("receipt-company"), `Firma: ${names.get(current)}`);
    await waitForText(page.getByTestId("period-closed"), "perioadă contabilă închisă");
    expect(await page.getByTestId("other-company").count()).toBe(0);

    // Another company's receipt: a notice, and a switch that stays on the receipt.
    await page.goto(`/data-entry/receipts/${foreign}`);
    const notice = page.getByTestId("other-company");
    await waitForText(notice, `Acest bon este al firmei ${names.get(other)}`);
    await screenshot(page, "data-entry-other-company");
    await notice.getByRole("button", { name: `Treci la ${names.get(other)}` }).click();
    await notice.waitFor({ state: "detached" });
    expect(await companySelect.inputValue()).toBe(String(other));
    expect(new URL(page.url()).pathname).toBe(`/data-entry/receipts/${foreign}`);
    await waitForText(page.getByTestId("receipt-company"), `Firma: ${names.get(other)}`);

    // The same page in English.
    await page.getByRole("combobox", { name: "Limba" }).selectOption("en");
    await waitForText(page.getByTestId("receipt-company"), `Company: ${names.get(other)}`);
    await page.getByText("Created", { exact: true }).waitFor();
    await page.goto(`/data-entry/receipts/${old}`);
    await waitForText(
      page.getByTestId("other-company"),
      `This receipt belongs to ${names.get(current)}, while ${names.get(other)} is chosen`,
    );
    // Choosing another company in the header (not the notice's switch) leaves the receipt.
    await page.getByRole("combobox", { name: "Company" }).selectOption(String(current));
    await page.getByRole("heading", { name: "Receipts and invoices" }).waitFor();
    await page.goto(`/data-entry/receipts/${old}`);
    await waitForText(page.getByTestId("period-closed"), "closed accounting period");
    await page.goto("/data-entry");
    const monthEn = new Date().toLocaleDateString("en-GB", { year: "numeric", month: "long" });
    await waitForText(page.getByTestId("list-period"), `Period: ${monthEn}`);
    await page.getByRole("button", { name: "All periods" }).waitFor();

    // An approved receipt's entries are text, not input boxes, in one number format.
    const approved = await apiReceipt({
      company_id: current,
      merchant: "Depozitul Mare",
      date: thisMonth(),
      total: 1234.56,
      vat: 197.12,
    });
    const token = await env.kernel.login();
    for (const step of ["entries/propose", "submit", "approve"]) {
      const response = await inject(env.kernel.kernel, {
        method: "POST",
        url: `/api/data-entry/receipts/${approved}/${step}`,
        headers: { authorization: `Bearer ${token}` },
        ...(step === "entries/propose" ? { payload: {} } : {}),
      });
      expect(response.statusCode, response.body).toBe(200);
    }
    await page.goto(`/data-entry/receipts/${approved}`);
    await page.locator("data-entry-entries tr.read-only").first().waitFor();
    expect(await page.locator("data-entry-entries input").count()).toBe(0);
    const grid = (await page.locator("data-entry-entries table").textContent()) ?? "";
    expect(grid).toContain("1,234.56");
    expect(await page.locator("data-entry-receipt .missing-note").count()).toBe(0);
    await page.getByRole("combobox", { name: "Language" }).selectOption("ro");
    await waitForText(page.locator("data-entry-entries tbody"), "1.234,56");
    // The form's inputs are written when the receipt loads, in the language of that moment.
    await page.reload();
    await waitForText(page.locator("data-entry-entries tbody"), "1.234,56");
    expect(await page.getByLabel("Total", { exact: true }).inputValue()).toBe("1.234,56");
  }, 90_000);

  it("rejects a submitted receipt with a reason, reopens and deletes it", async () => {
    const page = await env.newPage();
    await signIn(page, "/data-entry/new");
    await page.getByRole("heading", { name: "Bon nou" }).waitFor();
    await fillReceiptForm(page, {
      merchant: "Papetăria Ștefan",
      date: "2026-01-10",
      total: "59,50",
      vat: "9,50",
    });
    await page.getByRole("button", { name: "Salvează bonul" }).click();
    await page.getByRole("heading", { name: /^Bonul nr\. \d+$/ }).waitFor();
    await proposeAndSubmit(page);

    await page.getByRole("button", { name: "Respinge", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Respingeți bonul" });
    await dialog.waitFor();
    expect(await deepFocused(page)).toBe("textarea[name=reason]");
    // No reason: the dialog stays open.
    await dialog.getByRole("button", { name: "Respinge bonul" }).click();
    expect(await dialog.isVisible()).toBe(true);
    await dialog.getByLabel("Motivul respingerii").fill("Lipsește factura fiscală");
    await dialog.getByRole("button", { name: "Respinge bonul" }).click();
    await waitForText(statusBadge(page), "Respins");
    await page.getByRole("note").filter({ hasText: "Lipsește factura fiscală" }).waitFor();
    await page.getByText("Motiv: Lipsește factura fiscală").waitFor();

    await page.getByRole("button", { name: "Redeschide" }).click();
    await waitForText(statusBadge(page), "Ciornă");

    await page.getByRole("button", { name: "Șterge bonul" }).click();
    const confirm = page.getByRole("dialog", { name: "Ștergeți bonul?" });
    await confirm.getByRole("button", { name: "Șterge definitiv" }).click();
    await page.getByRole("heading", { name: "Bonuri și facturi" }).waitFor();
    await page.getByText("Bonul a fost șters.").waitFor();
    expect(await page.getByRole("row").filter({ hasText: "Papetăria Ștefan" }).count()).toBe(0);
  }, 60_000);

  it("shows the server's validation error next to the field it names, then a dropped file makes a DRAFT with what is missing marked and a text file is refused in Romanian", async () => {
    const page = await env.newPage();
    await signIn(page, "/data-entry/new");
    await page.getByRole("heading", { name: "Bon nou" }).waitFor();
    // A rule only the server knows (its time zone's today): answered as the API does.
    await page.route("**/api/data-entry/receipts", (route) =>
      route.request().method() === "POST"
        ? route.fulfill({
            status: 400,
            contentType: "application/json",
            body: JSON.stringify({
              error: {
                code: "VALIDATION_FAILED",
                message: "body.date must not be in the future (today is 2026-01-09)",
                request_id: "req-1",
                details: { field: "body.date" },
              },
            }),
          })
        : route.continue(),
    );
    await fillReceiptForm(page, {
      merchant: "Mega Image",
      date: "2026-01-10",
      total: "10",
      vat: "0",
    });
    await page.getByRole("button", { name: "Salvează bonul" }).click();
    // In the user's words next to the field; the server's rule and the request id below.
    const problem = page.locator("data-entry-receipt #date-error");
    await problem.filter({ hasText: "Câmpul „Data” nu este completat corect." }).waitFor();
    expect(await problem.textContent()).toContain(
      "Detalii: body.date must not be in the future (today is 2026-01-09) · Cod cerere: req-1",
    );
    const date = page.locator("data-entry-receipt input[name=date]");
    expect(await date.getAttribute("aria-invalid")).toBe("true");
    expect(await deepFocused(page)).toBe("input[name=date]");
    // Still a new receipt: nothing was created.
    expect(new URL(page.url()).pathname).toBe("/data-entry/new");

    // A file dropped on the drop zone creates the receipt (POST /receipts/from-image)
    // with the fields typed; the currency was never typed, so it is missing.
    await page.locator("data-entry-attachments .drop").evaluate((zone) => {
      const data = new DataTransfer();
      // A PDF's header and trailer: enough for the upload to keep it as a PDF.
      const content = "%PDF-1.4\nstartxref\n9\n%%EOF\n";
      data.items.add(new File([content], "factura.pdf", { type: "application/pdf" }));
      zone.dispatchEvent(
        new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }),
      );
    });
    await page.getByRole("heading", { name: /^Bonul nr\. \d+$/ }).waitFor();
    await page.getByRole("button", { name: "factura.pdf" }).waitFor();
    await waitForText(page.getByTestId("missing-fields"), "Câmpuri de completat: Monedă");
    expect(await page.getByLabel("Furnizor").inputValue()).toBe("Mega Image");
    expect(await page.getByLabel("Monedă").inputValue()).toBe("");
    await page
      .locator("data-entry-receipt [data-field=currency]")
      .getByText("De completat")
      .waitFor();
    await screenshot(page, "data-entry-missing");
    // Submitting waits for the missing field, and says so; so does the proposal.
    expect(await page.getByRole("button", { name: "Trimite spre aprobare" }).isDisabled()).toBe(
      true,
    );
    await waitForText(page.getByTestId("submit-blocked"), "până nu completați: Monedă");
    expect(await page.getByRole("button", { name: "Propune" }).isDisabled()).toBe(false);

    await page.getByLabel("Monedă").fill("RON");
    await page.getByRole("button", { name: "Salvează modificările" }).click();
    await page.getByText("Modificările au fost salvate.").waitFor();
    expect(await page.getByTestId("missing-fields").count()).toBe(0);

    // A text file with no type passes the picker; the server sniffs it and refuses it
    // (415): the toast says so in Romanian, naming the accepted types from the error's
    // details, with the server's own message and the request id underneath.
    await page.locator("data-entry-attachments .drop").evaluate((zone) => {
      const data = new DataTransfer();
      data.items.add(new File(["just some notes\n"], "notite.txt", { type: "" }));
      zone.dispatchEvent(
        new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }),
      );
    });
    const refused = page.locator("roa-toaster .toast.error");
    await waitForText(
      refused,
      "„notite.txt” nu s-a încărcat: Tipul fișierului nu este acceptat. Se acceptă: JPEG, PNG, PDF.",
    );
    const toastText = (await refused.first().textContent()) ?? "";
    expect(toastText).toContain("Detalii: Only JPEG, PNG and PDF files are accepted");
    expect(toastText).toMatch(/Cod cerere: \S+/);
    await screenshot(page, "data-entry-refused-file");
    await refused.first().getByRole("button", { name: "Închide" }).click();
    await refused.first().waitFor({ state: "detached" });

    await proposeAndSubmit(page);
  }, 60_000);

  it("fits a phone screen and offers the camera", async () => {
    const page = await env.newPage({ width: 375, height: 740 });
    await signInTo(page, "/data-entry/new", "Bon nou");
    const camera = page.getByRole("button", { name: "Fă o poză" });
    expect(await camera.isVisible()).toBe(true);
    expect(await page.locator("data-entry-attachments input.capture").getAttribute("capture")).toBe(
      "environment",
    );
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, "data-entry-form-phone");
  }, 60_000);
});

describeBrowser("data-entry UI with DATA_ENTRY_APPROVER_NOT_CREATOR", () => {
  let strict: BrowserEnv;
  beforeAll(async () => {
    strict = await startBrowserEnv({
      withFixtures: false,
      env: { DATA_ENTRY_APPROVER_NOT_CREATOR: "true" },
    });
  }, 120_000);

  afterAll(async () => {
    await strict?.close();
  });

  // Off (the suite above), the same person rejects what they submitted; on, the buttons
  // stay in sight, disabled, with the reason, instead of a click that fails with a 403.
  it("shows Approve and Reject disabled, with the reason, to whoever created the receipt", async () => {
    const page = await strict.newPage();
    await signIn(page, "/data-entry/new");
    await page.getByRole("heading", { name: "Bon nou" }).waitFor();
    await fillReceiptForm(page, {
      merchant: "Librăria Mihai",
      date: "2026-01-10",
      total: "11,90",
      vat: "1,90",
    });
    await page.getByRole("button", { name: "Salvează bonul" }).click();
    await page.getByRole("heading", { name: /^Bonul nr\. \d+$/ }).waitFor();
    await proposeAndSubmit(page);
    await waitForText(
      page.getByTestId("review-blocked"),
      "Ați creat acest bon: o altă persoană trebuie să-l aprobe sau să-l respingă.",
    );
    expect(await page.getByRole("button", { name: "Aprobă" }).isDisabled()).toBe(true);
    expect(await page.getByRole("button", { name: "Respinge", exact: true }).isDisabled()).toBe(
      true,
    );
  }, 60_000);
});
