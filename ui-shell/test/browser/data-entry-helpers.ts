/**
 * Shared steps of the data-entry browser tests. The receipt scans live outside the
 * repository (../shared/data/receipts next to it, or ROA2WEB_RECEIPTS_DIR); nothing is
 * copied in.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import type { Locator, Page } from "playwright-core";
import { type BrowserEnv, REPO_ROOT, startBrowserEnv } from "./harness.js";

export const RECEIPTS_DIR =
  process.env.ROA2WEB_RECEIPTS_DIR ?? path.join(REPO_ROOT, "..", "shared", "data", "receipts");
export const HAVE_RECEIPTS = existsSync(path.join(RECEIPTS_DIR, "ground-truth.json"));
/** Why the tests that need the scans skip (in their names, and printed once). */
export const NO_RECEIPTS = `skipped: no receipt scans in ${RECEIPTS_DIR} (set ROA2WEB_RECEIPTS_DIR)`;
/** A scan the OCR reads well (total 24,23 EUR on 2020-03-02, see ground-truth.json). */
export const SCAN = "aldi_02032020_19_02423.jpg";
export const SCAN_PATH = path.join(RECEIPTS_DIR, SCAN);

/**
 * A kernel of its own that reads receipts (OCR is off in the other browser tests): one
 * real tesseract.js worker with the German data, which the scans and the synthetic
 * receipt are written in.
 */
export function startOcrBrowserEnv(): Promise<BrowserEnv> {
  return startBrowserEnv({
    withFixtures: false,
    env: {
      DATA_ENTRY_OCR_ENABLED: "true",
      DATA_ENTRY_OCR_WORKERS: "1",
      DATA_ENTRY_OCR_LANGUAGES: "deu",
    },
  });
}

/** Opens Data entry from the navigation and waits for the list. */
export async function openDataEntry(page: Page): Promise<void> {
  await page
    .getByRole("navigation", { name: "Module" })
    .getByRole("link", { name: "Bonuri și facturi" })
    .click();
  await page.getByRole("heading", { name: "Bonuri și facturi" }).waitFor();
}

/**
 * The photo-first flow from the receipts list: "Bon nou", then a photo attached with
 * nothing typed, which creates the DRAFT; waits for that receipt's page.
 */
export async function newReceiptFromPhoto(page: Page, file: string): Promise<void> {
  await page.getByRole("link", { name: "Bon nou" }).click();
  await page.getByRole("heading", { name: "Bon nou" }).waitFor();
  await page.locator("data-entry-attachments input.picker").setInputFiles(file);
  await page.getByRole("heading", { name: /^Bonul nr\. \d+$/ }).waitFor();
}

export async function fillReceiptForm(
  page: Page,
  values: { merchant: string; taxId?: string; date: string; total: string; vat: string },
): Promise<void> {
  await page.getByLabel("Furnizor").fill(values.merchant);
  if (values.taxId !== undefined) await page.getByLabel("Cod fiscal").fill(values.taxId);
  await page.getByLabel("Data", { exact: true }).fill(values.date);
  await page.getByLabel("Total", { exact: true }).fill(values.total);
  await page.getByLabel("TVA", { exact: true }).fill(values.vat);
}

/**
 * A weekday about a week ago: inside the demo ERP's two years of BNR rates (it ends
 * today), unlike the scans' 2020 dates.
 */
export function recentWeekday(): string {
  // A week back: a banking day with a BNR rate, and always in one of the two months the
  // demo ERP keeps open (a receipt in a closed period cannot be approved).
  const date = new Date();
  date.setUTCDate(date.getUTCDate() - 7);
  while (date.getUTCDay() === 0 || date.getUTCDay() === 6) date.setUTCDate(date.getUTCDate() - 1);
  return date.toISOString().slice(0, 10);
}

/** The receipt page's status badge. */
export function statusBadge(page: Page): Locator {
  return page.locator("data-entry-receipt header .badge");
}

/** Waits until `locator`'s text is `text` (the UI updates after the server answers). */
export async function waitForText(locator: Locator, text: string): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor();
}

/**
 * Signs in on a deep link where the navigation may be folded away (phones): waits for
 * `heading` instead of the navigation.
 */
export async function signInTo(page: Page, target: string, heading: string): Promise<void> {
  await page.goto(target);
  await page.getByLabel("Utilizator").fill("demo");
  await page.getByLabel("Parolă").fill("demo");
  await page.getByRole("button", { name: "Intră în cont" }).click();
  await page.getByRole("heading", { name: heading }).waitFor();
}
