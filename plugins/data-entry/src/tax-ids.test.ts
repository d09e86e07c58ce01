import { describe, expect, it } from "vitest";
import { checkTaxId, normaliseTaxId, taxIdNeedsAttention } from "./tax-ids.js";

describe("Romanian CUI", () => {
  it("accepts real CUIs with their control digit, with or without RO, spaces or dots", () => {
    // OMV Petrom, Dedeman, eMAG (Dante International).
    for (const cui of ["1590082", "RO1590082", "ro 2816464", "RO 14399840", "14.399.840"]) {
      expect(checkTaxId(cui), cui).toMatchObject({ valid: true, kind: "ro-cui" });
    }
    expect(normaliseTaxId("ro 1590082")).toBe("RO1590082");
    expect(normaliseTaxId("14.399.840")).toBe("14399840");
  });

  it("refuses a CUI whose control digit is wrong, or with too few or too many digits", () => {
    for (const cui of ["1590083", "RO14399841", "RO2816465", "7", "RO12345678901"]) {
      expect(checkTaxId(cui).valid, cui).toBe(false);
    }
    expect(() => normaliseTaxId("RO1590083")).toThrow(/body\.tax_id .*control digit/);
  });
});

describe("foreign VAT ids", () => {
  it("checks the format of the country the prefix names, and the German check digit", () => {
    for (const id of [
      "DE136695976",
      "ATU13585627",
      "HU12892312",
      "FR40303265045",
      "NL004495445B01",
    ]) {
      expect(checkTaxId(id), id).toMatchObject({ valid: true, kind: "foreign-vat" });
    }
    // Wrong German check digit, HU with 9 digits, Austria without its U, unknown prefix.
    for (const id of ["DE136695977", "HU128923121", "AT13585627", "QQ123456789"]) {
      expect(checkTaxId(id).valid, id).toBe(false);
    }
  });

  it("lets an empty tax id through (a receipt may not print one) and flags bad stored ones", () => {
    expect(normaliseTaxId("  ")).toBe("");
    expect(taxIdNeedsAttention("")).toBe(false);
    expect(taxIdNeedsAttention("RO1590082")).toBe(false);
    expect(taxIdNeedsAttention("RO1590083")).toBe(true);
  });
});
