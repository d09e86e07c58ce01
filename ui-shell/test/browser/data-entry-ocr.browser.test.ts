/**
 * Data entry with OCR switched on (real tesseract.js workers, German language data),
 * the photo-first flow: "Bon nou", a real scan attached without typing anything
 * creates the DRAFT (POST /receipts/from-image), the reading's progress shows live,
 * then the form shows what the server filled (marked "read by OCR"); what is still
 * missing is completed, and the receipt goes through entries, submit and approval.
 * A kernel of its own, since OCR is off in the other browser tests.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  fillReceiptForm,
  HAVE_RECEIPTS,
  NO_RECEIPTS,
  newReceiptFromPhoto,
  openDataEntry,
  RECEIPTS_DIR,
  recentWeekday,
  SCAN,
  SCAN_PATH,
  startOcrBrowserEnv,
  statusBadge,
  waitForText,
} from "./data-entry-helpers.js";
import { type BrowserEnv, describeBrowser, screenshot, signIn } from "./harness.js";

let env: BrowserEnv | undefined;

if (!HAVE_RECEIPTS) console.warn(`[data-entry UI with OCR] ${NO_RECEIPTS}`);

(HAVE_RECEIPTS ? describeBrowser : describe.skip)(
  `data-entry UI with OCR${HAVE_RECEIPTS ? "" : ` (${NO_RECEIPTS})`}`,
  () => {
    beforeAll(async () => {
      env = await startOcrBrowserEnv();
    }, 120_000);

    afterAll(async () => {
      await env?.close();
    });

    it("creates a receipt from a photo alone, fills it by OCR, then submits and approves it", async () => {
      if (!env) throw new Error("no browser environment");
      const truth = (
        JSON.parse(readFileSync(path.join(RECEIPTS_DIR, "ground-truth.json"), "utf8")) as Array<{
          file: string;
          date: string;
          total: number;
        }>
      ).find((entry) => entry.file === SCAN);
      expect(truth).toBeDefined();
      const total = truth?.total.toFixed(2).replace(".", ",");

      const page = await env.newPage();
      await signIn(page);
      await openDataEntry(page);
      // Nothing typed: the photo alone creates the receipt and starts the reading.
      await newReceiptFromPhoto(page, SCAN_PATH);
      expect(new URL(page.url()).pathname).toMatch(/^\/data-entry\/receipts\/\d+$/);
      await page
        .getByRole("progressbar", { name: "Progresul citirii" })
        .waitFor({ timeout: 30_000 });
      // While OCR reads, nothing is marked "to fill in" yet (checked in one go, so the
      // reading cannot end between the two looks).
      const whileReading = await page.evaluate(() => {
        const root = document.querySelector("roa-app")?.shadowRoot;
        const find = (node: Document | ShadowRoot | null | undefined, selector: string): number => {
          if (!node) return 0;
          let count = node.querySelectorAll(selector).length;
          for (const element of node.querySelectorAll("*"))
            count += find(element.shadowRoot, selector);
          return count;
        };
        return {
          reading: find(root ?? document, "[role=progressbar]") > 0,
          marked: find(root ?? document, ".missing-note, [data-testid=missing-fields]"),
        };
      });
      if (whileReading.reading) expect(whileReading.marked).toBe(0);

      // Done: the receipt is reloaded with what the server filled, marked for checking.
      await page
        .getByRole("heading", { name: "Câmpuri citite de pe bon" })
        .waitFor({ timeout: 60_000 });
      await waitForText(page.getByTestId("ocr-filled"), "Completate din poză");
      expect(await page.getByLabel("Total", { exact: true }).inputValue()).toBe(total);
      expect(await page.getByLabel("Data", { exact: true }).inputValue()).toBe(truth?.date);
      for (const field of ["total", "date"]) {
        await page
          .locator(`data-entry-receipt [data-field=${field}]`)
          .getByText("Citit cu OCR — verificați")
          .waitFor();
      }
      await screenshot(page, "data-entry-ocr");

      // Complete what the reading did not find, then save.
      const missing = {
        Furnizor: "ALDI GmbH & Co. KG",
        TVA: "1,59",
        Monedă: "EUR",
      } as const;
      let completed = 0;
      for (const [label, value] of Object.entries(missing)) {
        const input = page.getByLabel(label, { exact: true });
        if ((await input.inputValue()) === "") {
          await input.fill(value);
          completed += 1;
        }
      }
      if (completed > 0) {
        expect(await page.getByRole("button", { name: "Trimite spre aprobare" }).isDisabled()).toBe(
          true,
        );
      }
      // The scan is from 2020, a period the ERP has closed: the page warns (approval
      // would be refused). Saved, it is in euro before the ERP's BNR rates: said, not
      // guessed.
      await page.getByTestId("period-closed").waitFor();
      await page.getByRole("button", { name: "Salvează modificările" }).click();
      await page.getByText("Modificările au fost salvate.").waitFor();
      await page.getByTestId("notice-NO_EXCHANGE_RATE").waitFor();
      // The clerk books it on a recent day: an open period, with a rate. The entries are
      // then proposed in lei at that rate, both amounts shown.
      await page.getByLabel("Data", { exact: true }).fill(recentWeekday());
      await page.getByRole("button", { name: "Salvează modificările" }).click();
      await page.getByTestId("period-closed").waitFor({ state: "detached" });
      await page.getByTestId("notice-NO_EXCHANGE_RATE").waitFor({ state: "detached" });
      expect(await page.getByTestId("missing-fields").count()).toBe(0);
      expect(await page.getByLabel("Total", { exact: true }).inputValue()).toBe(total);
      await page.getByRole("button", { name: "Propune" }).click();
      await waitForText(page.getByRole("status"), "Debit = credit");
      const lei = await page.getByTestId("credit-total").textContent();
      expect(await page.getByTestId("exchange-rate").textContent()).toContain(
        `${total} EUR = ${lei} RON`,
      );
      await page.getByRole("button", { name: "Trimite spre aprobare" }).click();
      await waitForText(statusBadge(page), "În aprobare");
      await page.getByRole("button", { name: "Aprobă" }).click();
      await waitForText(statusBadge(page), "Aprobat");
      // The history says what OCR filled, in the reader's language, never "Ciornă → Ciornă".
      await page.getByText(/Completat din OCR \(încredere 0,\d\d\)/).waitFor();
      expect(await page.getByText("Ciornă → Ciornă").count()).toBe(0);
    }, 120_000);

    it("reads a stored receipt's scan again, keeping what was typed unless overwrite is chosen", async () => {
      if (!env) throw new Error("no browser environment");
      const page = await env.newPage();
      await signIn(page, "/data-entry/new");
      await page.getByRole("heading", { name: "Bon nou" }).waitFor();
      // Typed and saved first (a wrong total), the scan attached afterwards: the
      // receipt is complete, so nothing is read until asked.
      await fillReceiptForm(page, { merchant: "ALDI", date: "2020-03-02", total: "30", vat: "0" });
      await page.getByLabel("Monedă").fill("EUR");
      await page.getByRole("button", { name: "Salvează bonul" }).click();
      await page.getByRole("heading", { name: /^Bonul nr\. \d+$/ }).waitFor();
      await page.locator("data-entry-attachments input.picker").setInputFiles(SCAN_PATH);
      const read = page.getByRole("button", { name: "Citește cu OCR" });
      await read.waitFor();

      await read.click();
      await page
        .getByRole("heading", { name: "Câmpuri citite de pe bon" })
        .waitFor({ timeout: 60_000 });
      // The typed total stayed; the one read is offered instead.
      expect(await page.getByLabel("Total", { exact: true }).inputValue()).toBe("30,00");
      await waitForText(page.locator("data-entry-receipt tr[data-field=total]"), "24,23");

      await page.getByLabel("La citire, înlocuiește și câmpurile deja completate").check();
      await page.getByRole("button", { name: "Citește cu OCR" }).click();
      await waitForText(page.getByTestId("ocr-filled"), "Total");
      expect(await page.getByLabel("Total", { exact: true }).inputValue()).toBe("24,23");
      await page
        .locator("data-entry-receipt [data-field=total]")
        .getByText("Citit cu OCR — verificați")
        .waitFor();
    }, 120_000);

    it("says in Romanian that a file which only starts like a JPEG is refused at upload", async () => {
      if (!env) throw new Error("no browser environment");
      const page = await env.newPage();
      await signIn(page, "/data-entry/new");
      await page.getByRole("heading", { name: "Bon nou" }).waitFor();
      await fillReceiptForm(page, { merchant: "ALDI", date: "2020-03-02", total: "30", vat: "0" });
      await page.getByRole("button", { name: "Salvează bonul" }).click();
      await page.getByRole("heading", { name: /^Bonul nr\. \d+$/ }).waitFor();
      // A JPEG by its first bytes, garbage after them: it does not decode, so it is not kept.
      const broken = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(4096, 7)]);
      await page
        .locator("data-entry-attachments input.picker")
        .setInputFiles({ name: "broken.jpg", mimeType: "image/jpeg", buffer: broken });
      const refused = page.locator("roa-toaster .toast.error");
      await waitForText(refused, "Fișierul pare o imagine sau un PDF, dar este deteriorat");
      expect(await page.getByRole("button", { name: "broken.jpg" }).count()).toBe(0);
    }, 120_000);
  },
);
