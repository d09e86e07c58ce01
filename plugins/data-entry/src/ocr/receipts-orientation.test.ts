// End to end: a real scan whose pixels are turned (a sideways scanner output, a photo
// without EXIF) still reads right: the pool finds the way up (orientation.ts). One scan,
// three turns, to keep the suite quick. Without the scans (../shared/data/receipts)
// this skips, like receipts.test.ts.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { extractFields } from "./extract-fields.js";
import { OcrPool } from "./ocr-pool.js";

const RECEIPTS =
  process.env.ROA2WEB_RECEIPTS_DIR ??
  fileURLToPath(new URL("../../../../../shared/data/receipts/", import.meta.url));
const SCAN = "aldi_02032020_19_02423.jpg";
const haveScan = existsSync(path.join(RECEIPTS, SCAN));
const SKIPPED = `skipped: no ${SCAN} at ${RECEIPTS} (set ROA2WEB_RECEIPTS_DIR)`;
if (!haveScan) console.warn(`[OCR of a turned receipt scan] ${SKIPPED}`);

describe.skipIf(!haveScan)(`OCR of a turned receipt scan${haveScan ? "" : ` (${SKIPPED})`}`, () => {
  const pool = new OcrPool({ size: 2 });
  let scan: Buffer;

  beforeAll(async () => {
    scan = readFileSync(path.join(RECEIPTS, SCAN));
    pool.start();
    await pool.ready;
  });
  afterAll(() => pool.close());

  it.each([90, 180, 270])(
    "reads the total and the date with the pixels turned %i°",
    async (angle) => {
      const turned = await sharp(scan).rotate(angle, { background: "#fff" }).jpeg().toBuffer();
      const fields = extractFields(await pool.recognize(turned));
      expect(fields.total).toBe(24.23);
      expect(fields.date).toBe("2020-03-02");
    },
  );
});
