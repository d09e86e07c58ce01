import { describe, expect, it } from "vitest";
import type { ReceiptFields as OcrFields } from "./ocr/extract-fields.js";
import { type FillableFields, fillFromOcr, ocrFilledNote, overallConfidence } from "./ocr-fill.js";

const read: OcrFields = {
  merchant: "OMV Petrom",
  tax_id: "ro1590082",
  date: "2026-01-15",
  total: 121,
  vat: 21,
  currency: "RON",
  confidence: { merchant: 0.9, tax_id: 0.95, date: 0.8, total: 0.7, vat: 0.6, currency: 0.9 },
};
const empty: FillableFields = {
  merchant: null,
  taxId: "",
  date: null,
  total: null,
  vat: null,
  currency: null,
};
const today = "2026-02-01";

describe("filling a receipt from OCR", () => {
  it("fills every empty field, and placeholders count as empty", () => {
    expect(fillFromOcr(empty, read, { overwrite: false, today })).toEqual({
      changes: {
        merchant: "OMV Petrom",
        taxId: "RO1590082",
        date: "2026-01-15",
        total: 121,
        vat: 21,
        currency: "RON",
      },
      names: ["merchant", "tax_id", "date", "total", "vat", "currency"],
    });
    const placeholders = { ...empty, merchant: " ? ", currency: "EUR" };
    expect(fillFromOcr(placeholders, read, { overwrite: false, today }).names).toEqual([
      "merchant",
      "tax_id",
      "date",
      "total",
      "vat",
    ]);
  });

  it("keeps what the user typed unless asked to overwrite", () => {
    const typed = { ...empty, merchant: "Petrom", total: 100 };
    const kept = fillFromOcr(typed, read, { overwrite: false, today });
    expect(kept.changes).not.toHaveProperty("merchant");
    expect(kept.changes).not.toHaveProperty("total");
    expect(kept.changes.vat).toBe(21);
    const replaced = fillFromOcr(typed, read, { overwrite: true, today });
    expect(replaced.changes).toMatchObject({ merchant: "OMV Petrom", total: 121 });
  });

  it("never writes a value that typed input could not have", () => {
    const odd: OcrFields = { ...read, date: "2026-03-01", total: 10.555, vat: 200 };
    const fill = fillFromOcr(empty, odd, { overwrite: false, today });
    expect(fill.names).toEqual(["merchant", "tax_id", "currency"]);
    // VAT above the typed total is left out; a total below the typed VAT too.
    expect(
      fillFromOcr({ ...empty, total: 10 }, read, { overwrite: false, today }).changes,
    ).not.toHaveProperty("vat");
    const typedVat = { ...empty, vat: 150 };
    expect(fillFromOcr(typedVat, read, { overwrite: false, today }).changes).not.toHaveProperty(
      "total",
    );
  });

  it("sums up confidence as the mean of merchant, date and total", () => {
    expect(overallConfidence(read)).toBe(0.8);
  });
});

describe("ocrFilledNote", () => {
  it("keeps the code and parameters, and words the stored text in the records' language", () => {
    const ro = ocrFilledNote(["merchant", "date", "vat"], 0.79, "ro");
    expect(ro).toEqual({
      code: "ocr_filled",
      params: { confidence: 0.79, fields: ["merchant", "date", "vat"] },
      text: "Completat din OCR (încredere 0,79): comerciant, dată, TVA",
    });
    expect(ocrFilledNote(["total"], 0.8, "en").text).toBe("Filled by OCR (confidence 0.80): total");
  });
});
