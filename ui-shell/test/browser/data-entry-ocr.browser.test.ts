/**
 * Data entry with OCR switched on (real tesseract.js workers, German language data):
 * attaching a real scan shows the reading's progress live, then the fields read from
 * it, which the user takes into the form. A kernel of its own, since OCR is off in the
 * other browser tests.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  fillReceiptForm,
  HAVE_RECEIPTS,
  RECEIPTS_DIR,
  SCAN,
  SCAN_PATH,
} from "./data-entry-helpers.js";
import {
  type BrowserEnv,
  describeBrowser,
  screenshot,
  signIn,
  startBrowserEnv,
} from "./harness.js";

let env: BrowserEnv | undefined;

(HAVE_RECEIPTS ? describeBrowser : describe.skip)(
  `data-entry UI with OCR (skipped: no receipt scans in ${RECEIPTS_DIR})`,
  () => {
    beforeAll(async () => {
      env = await startBrowserEnv({
        withFixtures: false,
        env: {
          DATA_ENTRY_OCR_ENABLED: "true",
          DATA_ENTRY_OCR_WORKERS: "1",
          DATA_ENTRY_OCR_LANGUAGES: "deu",
        },
      });
    }, 120_000);

    afterAll(async () => {
      await env?.close();
    });

    it("shows the reading's progress and proposes the fields of a real scan", async () => {
      if (!env) throw new Error("no browser environment");
      const truth = (
        JSON.parse(readFileSync(path.join(RECEIPTS_DIR, "ground-truth.json"), "utf8")) as Array<{
          file: string;
          date: string;
          total: number;
        }>
      ).find((entry) => entry.file === SCAN);
      expect(truth).toBeDefined();

      const page = await env.newPage();
      await signIn(page, "/data-entry/new");
      await page.getByRole("heading", { name: "Bon nou" }).waitFor();
      // Placeholders the scan will correct.
      await fillReceiptForm(page, {
        merchant: "De completat",
        date: "2026-01-02",
        total: "1",
        vat: "0",
      });
      await page.locator("data-entry-attachments input.picker").setInputFiles(SCAN_PATH);
      await page.getByRole("button", { name: "Salvează bonul" }).click();

      // The upload starts the reading: its progress shows while the worker runs.
      await page
        .getByRole("progressbar", { name: "Progresul citirii" })
        .waitFor({ timeout: 30_000 });
      await page
        .getByRole("heading", { name: "Câmpuri citite de pe bon" })
        .waitFor({ timeout: 60_000 });
      await screenshot(page, "data-entry-ocr");

      const totalRow = page.locator("data-entry-receipt tr[data-field=total]");
      expect(await totalRow.locator("td").first().textContent()).toBe(
        truth?.total.toFixed(2).replace(".", ","),
      );
      await page.getByRole("button", { name: "Preia toate" }).click();
      expect(await page.getByLabel("Total", { exact: true }).inputValue()).toBe(
        truth?.total.toFixed(2).replace(".", ","),
      );
      expect(await page.getByLabel("Data", { exact: true }).inputValue()).toBe(truth?.date);

      // Saved into the receipt with the ordinary save.
      await page.getByRole("button", { name: "Salvează modificările" }).click();
      await page.getByText("Modificările au fost salvate.").waitFor();
    }, 120_000);
  },
);
