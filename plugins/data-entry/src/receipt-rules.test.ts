import { describe, expect, it } from "vitest";
import {
  isCalendarDate,
  newReceiptFields,
  patchedReceiptFields,
  todayIn,
} from "./receipt-rules.js";

const body = {
  company_id: 1,
  merchant: "  Kaufland  ",
  tax_id: "ro15991149",
  date: "2026-11-20",
  total: 119,
  vat: 19,
  currency: "ron",
  notes: "  ",
};
const today = "2026-11-22";

describe("receipt fields", () => {
  it("trims and normalises what a user typed", () => {
    expect(newReceiptFields(body, today)).toEqual({
      merchant: "Kaufland",
      taxId: "RO15991149",
      date: "2026-11-20",
      total: 119,
      vat: 19,
      currency: "RON",
      notes: null,
    });
  });

  it.each([
    [{ merchant: " " }, "body.merchant must not be blank"],
    [{ total: 0 }, "body.total must be greater than 0"],
    [{ total: -5 }, "body.total must be greater than 0"],
    [{ total: 1.234 }, "body.total must be greater than 0 with at most two decimals"],
    [{ vat: -1 }, "body.vat must be 0 or more"],
    [{ vat: 120 }, "body.vat must not be more than the total"],
    [{ date: "2026-02-30" }, "body.date must be a date YYYY-MM-DD"],
    [{ date: "2026-11-23" }, "body.date must not be in the future (today is 2026-11-22)"],
    [{ currency: "LEI" }, "body.currency must be an ISO 4217 currency code"],
    [{ currency: "XYZ" }, "body.currency must be an ISO 4217 currency code"],
    [{ tax_id: "RO15991148" }, "body.tax_id is not a valid Romanian CUI"],
    [{ tax_id: "DE136695977" }, "body.tax_id is not a valid DE VAT id"],
  ])("refuses %o", (change, message) => {
    expect(() => newReceiptFields({ ...body, ...change }, today)).toThrow(message);
    try {
      newReceiptFields({ ...body, ...change }, today);
    } catch (error) {
      expect(error).toMatchObject({ statusCode: 400, code: "VALIDATION_FAILED" });
    }
  });

  it("accepts a receipt dated today and a VAT equal to the total", () => {
    expect(newReceiptFields({ ...body, date: today, vat: 119 }, today).vat).toBe(119);
  });

  it("checks a patch against the fields it does not change", () => {
    const current = newReceiptFields(body, today);
    expect(() => patchedReceiptFields(current, { vat: 200 }, today)).toThrow("body.vat");
    expect(patchedReceiptFields(current, { total: 300, vat: 200 }, today)).toMatchObject({
      total: 300,
      vat: 200,
      merchant: "Kaufland",
    });
    expect(
      patchedReceiptFields({ ...current, notes: "x" }, { notes: null }, today).notes,
    ).toBeNull();
    expect(patchedReceiptFields({ ...current, notes: "x" }, {}, today).notes).toBe("x");
  });

  it("checks a tax id when it is sent, not one OCR stored that the patch leaves alone", () => {
    const fromOcr = { ...newReceiptFields(body, today), taxId: "RO15991148" };
    expect(patchedReceiptFields(fromOcr, { total: 200 }, today).taxId).toBe("RO15991148");
    expect(() => patchedReceiptFields(fromOcr, { tax_id: "RO15991147" }, today)).toThrow(
      "body.tax_id",
    );
    expect(patchedReceiptFields(fromOcr, { tax_id: "15991149" }, today).taxId).toBe("15991149");
    expect(patchedReceiptFields(fromOcr, { currency: " eur " }, today).currency).toBe("EUR");
  });
});

describe("dates", () => {
  it("knows real calendar days", () => {
    expect(isCalendarDate("2024-02-29")).toBe(true);
    expect(isCalendarDate("2025-02-29")).toBe(false);
    expect(isCalendarDate("2025-1-01")).toBe(false);
  });

  it("takes today where the books are kept", () => {
    const lateEvening = new Date("2026-11-22T23:30:00Z");
    expect(todayIn("UTC", lateEvening)).toBe("2026-11-22");
    expect(todayIn("Europe/Bucharest", lateEvening)).toBe("2026-11-23");
  });
});
