import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { syntheticReceipt } from "../test/synthetic-receipt.js";
import { languageFolder, OCR_LANGUAGES, resolveLangPath } from "./language-data.js";
import { OcrPool } from "./ocr-pool.js";

const scratch = mkdtempSync(path.join(os.tmpdir(), "ocr-lang-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("language data from the npm packages", () => {
  it.each(OCR_LANGUAGES)("finds the LSTM model of %s in its package", (code) => {
    const folder = languageFolder(code);
    expect(folder).toContain(path.join("@tesseract.js-data", code, "4.0.0_best_int"));
    expect(existsSync(path.join(folder, `${code}.traineddata.gz`))).toBe(true);
  });

  it("uses the package folder itself for one language (nothing written)", () => {
    const target = path.join(scratch, "single");
    expect(resolveLangPath(["deu"], target)).toBe(languageFolder("deu"));
    expect(existsSync(target)).toBe(false);
  });

  it("gathers several languages into one folder under the cache dir", () => {
    const folder = resolveLangPath(["deu", "eng", "ron"], scratch);
    expect(folder).toBe(path.join(scratch, "tessdata"));
    for (const code of ["deu", "eng", "ron"]) {
      expect(existsSync(path.join(folder, `${code}.traineddata.gz`))).toBe(true);
    }
  });

  it("runs a pool with two languages", async () => {
    const pool = new OcrPool({ size: 1, languages: ["deu", "eng"], cacheDir: scratch });
    pool.start();
    await pool.ready;
    const result = await pool.recognize(await syntheticReceipt());
    expect(result.text).toContain("SUMME");
    await pool.close();
  });
});
