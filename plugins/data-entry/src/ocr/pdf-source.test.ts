// PDF receipts: text layers read without OCR, scans saved as PDF handed to the
// recogniser as images, and PDFs that cannot be read refused with a clear reason.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { OcrPdfEmptyError, OcrPdfEncryptedError, OcrPdfUnreadableError } from "../errors.js";
import { pdf, scanPdf, textReceiptPdf } from "../test/pdf-files.js";
import { syntheticReceipt } from "../test/synthetic-receipt.js";
import { extractFields } from "./extract-fields.js";
import { OcrPool } from "./ocr-pool.js";
import {
  isPdf,
  linesFromTextItems,
  PDF_MAX_PAGES,
  PdfReader,
  type PdfTextItem,
  type RecognizeImage,
  recognizePdf,
} from "./pdf-source.js";

const RECEIPTS =
  process.env.ROA2WEB_RECEIPTS_DIR ??
  fileURLToPath(new URL("../../../../../shared/data/receipts/", import.meta.url));
const haveReceipts = existsSync(path.join(RECEIPTS, "ground-truth.json"));
const SKIPPED = `skipped: no receipt scans at ${RECEIPTS} (set ROA2WEB_RECEIPTS_DIR)`;
if (!haveReceipts) console.warn(`[A real scan saved as PDF] ${SKIPPED}`);

const reader = new PdfReader();
afterAll(() => reader.close());

const TODAY = new Date("2026-11-23T12:00:00Z");

/** A recogniser that must not be asked: text-layer pages need no OCR. */
const noOcr: RecognizeImage = async () => {
  throw new Error("OCR was asked for a page with a text layer");
};

const GERMAN_RECEIPT: Array<string | [string, string]> = [
  "Bäckerei Müller GmbH",
  "Hauptstraße 12",
  "33100 Paderborn",
  "USt-IdNr. DE136695976",
  ["Roggenbrot 750g", "3,49 A"],
  ["Kaffee Crema", "12,90 A"],
  ["Butterbrezel", "1,20 B"],
  ["SUMME EUR", "17,59"],
  ["Geg. BAR", "20,00"],
  ["Rückgeld", "2,41"],
  ["MwSt 19% Netto 13,77", "2,62"],
  ["MwSt 7% Netto 1,12", "0,08"],
  "Datum 12.06.2024 14:22",
  "Vielen Dank für Ihren Einkauf",
];

describe("linesFromTextItems", () => {
  const item = (text: string, x: number, y: number, height = 40, width = text.length * 20) =>
    ({ text, x, y, width, height }) satisfies PdfTextItem;

  it("groups items by baseline, orders them left to right and keeps columns apart", () => {
    const lines = linesFromTextItems([
      item("17,59", 1400, 1005),
      item("SUMME EUR", 200, 1000),
      item("Kasse 3", 200, 500, 30),
      item("MARKT", 200, 200, 90),
    ]);
    expect(lines.map((line) => line.text)).toEqual(["MARKT", "Kasse 3", "SUMME EUR   17,59"]);
    expect(lines[0]).toMatchObject({ height: 90, bbox: { x0: 200, y0: 110, y1: 200 } });
    expect(lines[2]?.bbox).toMatchObject({ x0: 200, x1: 1500 });
  });

  it("joins the runs a producer split a word into, and spaces words apart", () => {
    const lines = linesFromTextItems([
      item("Ge", 100, 300, 40, 40),
      item("samt", 141, 300, 40, 80),
      item("24,23", 240, 300, 40, 100),
    ]);
    expect(lines.map((line) => line.text)).toEqual(["Gesamt 24,23"]);
  });

  it("ignores blank items", () => {
    expect(linesFromTextItems([item("  ", 0, 10), item("", 0, 20)])).toEqual([]);
  });
});

describe("PdfReader and recognizePdf", () => {
  it("reads a receipt from the text layer without OCR, with the geometry the rules use", async () => {
    const bytes = await textReceiptPdf(GERMAN_RECEIPT);
    expect(isPdf(bytes)).toBe(true);
    const document = await reader.read(bytes);
    expect(document.pageCount).toBe(1);
    const { result, source } = await recognizePdf(document, noOcr);
    expect(source).toBe("pdf_text");
    expect(result.lines?.map((line) => line.text)).toContain("SUMME EUR   17,59");
    // The shop's name is the largest text on the page.
    const heights = result.lines?.map((line) => line.height ?? 0) ?? [];
    expect(heights[0]).toBe(Math.max(...heights));
    const fields = extractFields(result, { today: TODAY });
    expect(fields).toMatchObject({
      merchant: "Bäckerei Müller GmbH",
      tax_id: "DE136695976",
      date: "2024-06-12",
      total: 17.59,
      vat: 2.7,
      currency: "EUR",
    });
    expect(fields.confidence.total).toBeGreaterThan(0.8);
  });

  it("reads a Romanian invoice from the text layer", async () => {
    const bytes = await textReceiptPdf([
      "KAUFLAND ROMANIA SCS",
      "Str. Barbu Vacarescu 120",
      "CUI RO15991149",
      "BON FISCAL",
      ["CAFEA BOABE 1KG", "89,99 A"],
      ["APA MINERALA 6X2L", "19,41 B"],
      ["TOTAL", "109,40"],
      ["TVA A 21%", "15,62"],
      ["TVA B 11%", "1,92"],
      ["TOTAL TVA", "17,54"],
      ["CARD", "109,40"],
      "DATA: 14/10/2025 ORA: 18:03",
    ]);
    const { result, source } = await recognizePdf(await reader.read(bytes), noOcr);
    expect(source).toBe("pdf_text");
    const fields = extractFields(result, { today: TODAY });
    expect(fields).toMatchObject({
      tax_id: "RO15991149",
      date: "2025-10-14",
      total: 109.4,
      vat: 17.54,
      currency: "RON",
    });
    expect(fields.merchant).toMatch(/KAUFLAND ROMANIA SCS/);
  });

  it("hands a scanned page's image to the recogniser as a PNG of the scan's size", async () => {
    const scan = await syntheticReceipt();
    const { width, height } = await sharp(scan).metadata();
    const images: Array<{ width?: number; height?: number; format?: string }> = [];
    const recognize: RecognizeImage = async (image, onProgress) => {
      images.push(await sharp(image).metadata());
      onProgress(0.5);
      onProgress(1);
      return { text: "BACKEREI MULLER\nSUMME EUR 5,59", confidence: 80 };
    };
    const progress: number[] = [];
    const { result, source } = await recognizePdf(
      await reader.read(await scanPdf(scan)),
      recognize,
      (value) => progress.push(value),
    );
    expect(source).toBe("pdf_scan");
    expect(images).toEqual([expect.objectContaining({ format: "png", width, height })]);
    expect(progress).toEqual([0.5, 1]);
    expect(result.text).toContain("SUMME EUR 5,59");
    expect(result.confidence).toBe(80);
  });

  it("reads a PDF of a text page and a scanned page as one result, in page order", async () => {
    const scan = await syntheticReceipt(["KASSENBON SEITE ZWEI", "SUMME EUR 5,59"]);
    const bytes = await pdf((document) => {
      document
        .fontSize(12)
        .text("Rechnung Nr. 4711 der Bäckerei Müller GmbH, Hauptstraße 12, 33100 Paderborn");
      document.addPage();
      document.image(scan, 40, 40, { width: 400 });
    });
    let asked = 0;
    const { result, source } = await recognizePdf(await reader.read(bytes), async () => {
      asked += 1;
      return {
        text: "KASSENBON SEITE ZWEI\nSUMME EUR 5,59",
        lines: [
          { text: "KASSENBON SEITE ZWEI", bbox: { x0: 30, y0: 20, x1: 500, y1: 60 } },
          { text: "SUMME EUR 5,59", bbox: { x0: 30, y0: 70, x1: 400, y1: 100 } },
        ],
      };
    });
    expect(asked).toBe(1);
    expect(source).toBe("pdf_mixed");
    expect(result.lines?.map((line) => line.text)).toEqual([
      "Rechnung Nr. 4711 der Bäckerei Müller GmbH, Hauptstraße 12, 33100 Paderborn",
      "KASSENBON SEITE ZWEI",
      "SUMME EUR 5,59",
    ]);
    // The scanned page's lines lie below the first page (an A4 page at 300 dpi: 3508 px).
    expect(result.lines?.[1]?.bbox?.y0).toBe(3508 + 20);
  });

  it("reads only the first pages of a long PDF", async () => {
    const bytes = await pdf((document) => {
      for (let page = 1; page <= 5; page++) {
        if (page > 1) document.addPage();
        document.fontSize(14).text(`Rechnung Seite ${page} von 5 mit genug Text für eine Seite`);
      }
    });
    const document = await reader.read(bytes);
    expect(document.pageCount).toBe(5);
    expect(document.pages.map((page) => page.number)).toEqual([1, 2, 3].slice(0, PDF_MAX_PAGES));
    const { result } = await recognizePdf(document, noOcr);
    expect(result.lines?.map((line) => line.text)).toEqual([
      "Rechnung Seite 1 von 5 mit genug Text für eine Seite",
      "Rechnung Seite 2 von 5 mit genug Text für eine Seite",
      "Rechnung Seite 3 von 5 mit genug Text für eine Seite",
    ]);
  });

  it("refuses a damaged PDF with a clear reason", async () => {
    const damaged = Buffer.from("%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage without end");
    await expect(reader.read(damaged)).rejects.toThrow(OcrPdfUnreadableError);
    await expect(reader.read(damaged)).rejects.toThrow(/The PDF could not be read/);
    const truncated = (await textReceiptPdf(GERMAN_RECEIPT)).subarray(0, 200);
    await expect(reader.read(truncated)).rejects.toMatchObject({
      code: "DATA_ENTRY_OCR_PDF_UNREADABLE",
    });
  });

  it("refuses a password-protected PDF", async () => {
    const locked = await textReceiptPdf(GERMAN_RECEIPT, { userPassword: "secret" });
    await expect(reader.read(locked)).rejects.toBeInstanceOf(OcrPdfEncryptedError);
  });

  it("fails a PDF with neither text nor image", async () => {
    const blank = await pdf((document) => {
      document.rect(100, 100, 200, 100).stroke();
    });
    const document = await reader.read(blank);
    await expect(recognizePdf(document, noOcr)).rejects.toBeInstanceOf(OcrPdfEmptyError);
  });

  it("gives up on a PDF that takes too long and still reads the next one", async () => {
    const impatient = new PdfReader({ timeoutMs: 1 });
    await expect(impatient.read(await textReceiptPdf(GERMAN_RECEIPT))).rejects.toThrow(
      /took longer than 1 ms/,
    );
    await impatient.close();
    await expect(reader.read(await textReceiptPdf(GERMAN_RECEIPT))).resolves.toMatchObject({
      pageCount: 1,
    });
  });
});

describe("PdfReader's worker thread", () => {
  it("keeps reading when its thread is replaced after each PDF or after idling", async () => {
    const bytes = await textReceiptPdf(GERMAN_RECEIPT);
    const worn = new PdfReader({ recycleAfter: 1 });
    const idle = new PdfReader({ idleMs: 1 });
    try {
      for (let round = 0; round < 3; round++) {
        await expect(worn.read(bytes)).resolves.toMatchObject({ pageCount: 1 });
        await expect(idle.read(bytes)).resolves.toMatchObject({ pageCount: 1 });
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      await Promise.all([worn.close(), idle.close()]);
    }
    await expect(worn.read(bytes)).rejects.toThrow(/closed/);
  });

  it("reads several PDFs asked for at once, each its own answer", async () => {
    const [first, second] = await Promise.all([
      reader.read(await textReceiptPdf(["Erste Rechnung mit genug Text für die Textebene hier"])),
      reader.read(await textReceiptPdf(["Zweite Rechnung mit genug Text für die Textebene hier"])),
    ]);
    expect(first?.pages[0]?.items[0]?.text).toMatch(/^Erste/);
    expect(second?.pages[0]?.items[0]?.text).toMatch(/^Zweite/);
  });
});

describe.skipIf(!haveReceipts)(
  `A real scan saved as PDF${haveReceipts ? "" : ` (${SKIPPED})`}`,
  () => {
    const pool = new OcrPool({ size: 1 });
    afterAll(() => pool.close());

    it("runs OCR on the embedded scan and finds the total", async () => {
      pool.start();
      const scan = readFileSync(path.join(RECEIPTS, "aldi_02032020_19_02423.jpg"));
      const document = await reader.read(await scanPdf(scan));
      const { result, source } = await recognizePdf(document, (image, onProgress) =>
        pool.recognize(image, { onProgress }),
      );
      expect(source).toBe("pdf_scan");
      const fields = extractFields(result, { today: TODAY });
      expect(fields.total).toBe(24.23);
      expect(fields.date).toBe("2020-03-02");
    });
  },
);
