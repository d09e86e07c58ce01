/**
 * Whether a receipt's tax id can be real: a Romanian CUI (with or without `RO`) must pass
 * its control digit (key 753217532); a foreign VAT id must match its country's format
 * (the VIES formats, by the two-letter prefix). Plain functions.
 */
import { InvalidFieldError } from "./errors.js";
import { isValidGermanVatId, isValidRomanianCui } from "./ocr/tax-id.js";

/** VAT id formats after the country prefix (EU member states, Northern Ireland, UK, CH, NO). */
const FOREIGN_VAT_FORMATS: Record<string, RegExp> = {
  AT: /^U\d{8}$/,
  BE: /^[01]\d{9}$/,
  BG: /^\d{9,10}$/,
  CY: /^\d{8}[A-Z]$/,
  CZ: /^\d{8,10}$/,
  DE: /^\d{9}$/,
  DK: /^\d{8}$/,
  EE: /^\d{9}$/,
  EL: /^\d{9}$/,
  ES: /^[0-9A-Z]\d{7}[0-9A-Z]$/,
  FI: /^\d{8}$/,
  FR: /^[0-9A-HJ-NP-Z]{2}\d{9}$/,
  HR: /^\d{11}$/,
  HU: /^\d{8}$/,
  IE: /^\d[0-9A-Z+*]\d{5}[A-W][A-I]?$/,
  IT: /^\d{11}$/,
  LT: /^(\d{9}|\d{12})$/,
  LU: /^\d{8}$/,
  LV: /^\d{11}$/,
  MT: /^\d{8}$/,
  NL: /^\d{9}B\d{2}$/,
  PL: /^\d{10}$/,
  PT: /^\d{9}$/,
  SE: /^\d{10}01$/,
  SI: /^\d{8}$/,
  SK: /^\d{10}$/,
  XI: /^(\d{9}|\d{12}|GD\d{3}|HA\d{3})$/,
  GB: /^(\d{9}|\d{12}|GD\d{3}|HA\d{3})$/,
  CH: /^E\d{9}(MWST|TVA|IVA)?$/,
  NO: /^\d{9}(MVA)?$/,
};

export type TaxIdKind = "ro-cui" | "foreign-vat";

export type TaxIdCheck =
  | {
      valid: true;
      kind: TaxIdKind /** Without spaces, dots and dashes, upper case. */;
      value: string;
    }
  | { valid: false; reason: string };

/** Spaces, dots and dashes are how people write tax ids, not part of them. */
function compact(text: string): string {
  return text.replace(/[\s.-]/g, "").toUpperCase();
}

export function checkTaxId(text: string): TaxIdCheck {
  const value = compact(text);
  const romanian = /^(RO)?(\d+)$/.exec(value);
  if (romanian) {
    const digits = romanian[2] ?? "";
    if (digits.length < 2 || digits.length > 10) {
      return { valid: false, reason: "a Romanian CUI has 2 to 10 digits" };
    }
    if (!isValidRomanianCui(digits)) {
      return { valid: false, reason: "is not a valid Romanian CUI (its control digit is wrong)" };
    }
    return { valid: true, kind: "ro-cui", value };
  }
  const prefix = value.slice(0, 2);
  const format = FOREIGN_VAT_FORMATS[prefix];
  if (!format) {
    return {
      valid: false,
      reason:
        "must be a Romanian CUI (digits, optionally after RO) or a VAT id with its country prefix",
    };
  }
  const rest = value.slice(2);
  if (!format.test(rest) || (prefix === "DE" && !isValidGermanVatId(rest))) {
    return { valid: false, reason: `is not a valid ${prefix} VAT id` };
  }
  return { valid: true, kind: "foreign-vat", value };
}

/** A typed tax id: empty (none on the receipt) or a valid one, compacted; otherwise a 400. */
export function normaliseTaxId(text: string, field = "body.tax_id"): string {
  if (text.trim() === "") return "";
  const check = checkTaxId(text);
  if (!check.valid) throw new InvalidFieldError(field, check.reason);
  return check.value;
}

/** Whether a stored tax id (OCR may have filled it) needs the user's attention. */
export function taxIdNeedsAttention(taxId: string): boolean {
  return taxId.trim() !== "" && !checkTaxId(taxId).valid;
}
