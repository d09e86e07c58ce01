// Finds the seller's tax id: German USt-IdNr (DE + 9 digits, check digit ISO 7064
// MOD 11,10), German Steuernummer (St.-Nr.), Romanian CUI/CIF (optional RO prefix,
// 2–10 digits, check digit with the key 753217532).
import { fold } from "./text.js";

export interface TaxIdMatch {
  value: string;
  kind: "de-vat" | "de-tax-number" | "ro-cui";
  /** True when a check digit was verified; false when it failed; null when none exists. */
  checked: boolean | null;
}

export function isValidGermanVatId(nineDigits: string): boolean {
  if (!/^\d{9}$/.test(nineDigits)) return false;
  let product = 10;
  for (const char of nineDigits.slice(0, 8)) {
    let sum = (Number(char) + product) % 10;
    if (sum === 0) sum = 10;
    product = (2 * sum) % 11;
  }
  const check = (11 - product) % 10;
  return check === Number(nineDigits[8]);
}

export function isValidRomanianCui(digits: string): boolean {
  if (!/^\d{2,10}$/.test(digits)) return false;
  const body = digits.slice(0, -1).padStart(9, "0");
  const key = "753217532";
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(body[i]) * Number(key[i]);
  const control = ((sum * 10) % 11) % 10;
  return control === Number(digits.at(-1));
}

const digitsOnly = (text: string) =>
  text.replace(/[OoD]/g, "0").replace(/[Il]/g, "1").replace(/\D/g, "");

export function findTaxIds(lines: readonly string[]): TaxIdMatch[] {
  const found: TaxIdMatch[] = [];
  for (const line of lines) {
    const folded = fold(line);
    // USt-IdNr: "DE 123 456 789", "DE123456789", "USt-IdNr.: DE123456789".
    for (const match of folded.matchAll(/(?<![A-Z])DE\s?((?:[0-9OIL]\s?){9})(?![0-9])/g)) {
      const digits = digitsOnly(match[1] ?? "");
      if (digits.length !== 9) continue;
      found.push({ value: `DE${digits}`, kind: "de-vat", checked: isValidGermanVatId(digits) });
    }
    // Romanian: "CUI: RO 14399840", "C.I.F. 14399840", "COD FISCAL RO14399840", "RO14399840".
    const labelled = folded.match(
      /(?:C\.?\s?U\.?\s?I\.?|C\.?\s?I\.?\s?F\.?|COD\s+FISCAL|COD\s+IDENTIFICARE\s+FISCALA|\bCF)\s*[:.]?\s*(RO)?\s*(\d{2,10})(?!\d)/,
    );
    if (labelled) {
      const digits = labelled[2] ?? "";
      found.push({
        value: `${labelled[1] ? "RO" : ""}${digits}`,
        kind: "ro-cui",
        checked: isValidRomanianCui(digits),
      });
    } else {
      for (const match of folded.matchAll(/(?<![A-Z0-9])RO\s?(\d{2,10})(?!\d)/g)) {
        const digits = match[1] ?? "";
        // Without a label only a verified number is believed ("RO" appears in words).
        if (isValidRomanianCui(digits))
          found.push({ value: `RO${digits}`, kind: "ro-cui", checked: true });
      }
    }
    // Steuernummer: "St.-Nr. 123/456/78901", "Steuernummer: 21 123 45678".
    const taxNumber = folded.match(
      /(?:ST\.?\s?-?\s?NR|STEUER\s?-?\s?NR|STEUERNUMMER)\.?\s*[:.]?\s*(\d{2,3}\s?\/\s?\d{3,4}\s?\/\s?\d{4,5}|\d[\d ]{8,14}\d)/,
    );
    if (taxNumber?.[1]) {
      found.push({ value: taxNumber[1].replace(/\s/g, ""), kind: "de-tax-number", checked: null });
    }
  }
  return found;
}
