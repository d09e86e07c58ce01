// End to end on real scans: pool → OCR → field extraction, checked against the ground
// truth shipped with the scans. The scans live outside the repository
// (../shared/data/receipts, CC-BY-4.0, softmatic/vision-data): without them this skips.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { extractFields } from "./extract-fields.js";
import { OcrPool } from "./ocr-pool.js";

const RECEIPTS =
  process.env.ROA2WEB_RECEIPTS_DIR ??
  fileURLToPath(new URL("../../../../../shared/data/receipts/", import.meta.url));
const haveReceipts = existsSync(path.join(RECEIPTS, "ground-truth.json"));
const SKIPPED = `skipped: no receipt scans at ${RECEIPTS} (set ROA2WEB_RECEIPTS_DIR)`;
if (!haveReceipts) console.warn(`[OCR of real receipt scans] ${SKIPPED}`);

interface Truth {
  file: string;
  merchant: string;
  date: string;
  total: number;
}

// Two scans from different chains, kept few so the suite stays quick (~2 s each).
const SAMPLES = ["aldi_02032020_19_02423.jpg", "lidl_21042020_09_01706.jpg"];

describe.skipIf(!haveReceipts)(
  `OCR of real receipt scans${haveReceipts ? "" : ` (${SKIPPED})`}`,
  () => {
    const pool = new OcrPool({ size: 2 });
    let truth: Truth[] = [];

    beforeAll(async () => {
      truth = JSON.parse(readFileSync(path.join(RECEIPTS, "ground-truth.json"), "utf8")) as Truth[];
      pool.start();
      await pool.ready;
    });
    afterAll(() => pool.close());

    it.each(SAMPLES)("reads the total and the date of %s", async (file) => {
      const expected = truth.find((entry) => entry.file === file);
      expect(expected).toBeDefined();
      const ocr = await pool.recognize(readFileSync(path.join(RECEIPTS, file)));
      const fields = extractFields(ocr);
      expect(fields.total).toBe(expected?.total);
      expect(fields.date).toBe(expected?.date);
      expect(fields.confidence.total).toBeGreaterThan(0.5);
    });
  },
);
