// Turns OCR output into receipt fields. Pure: no I/O, no clock unless given one, so
// the rules can be tested on hand-written OCR-like text.
import { findDates, linesMentioning } from "./dates.js";
import { findMerchant } from "./merchant.js";
import { findTaxIds } from "./tax-id.js";
import { fold, splitLines } from "./text.js";
import { findTotal, findVat } from "./totals.js";
import type { OcrLine, OcrResult } from "./types.js";

export interface ReceiptFields {
  merchant: string | null;
  tax_id: string | null;
  /** YYYY-MM-DD */
  date: string | null;
  total: number | null;
  vat: number | null;
  currency: "EUR" | "RON" | null;
  /** 0..1 per field; 0 when the field was not found. */
  confidence: {
    merchant: number;
    tax_id: number;
    date: number;
    total: number;
    vat: number;
    currency: number;
  };
}

export interface ExtractOptions {
  /** Dates after this day are implausible. Default: now. */
  today?: Date;
}

const DATE_LABEL = /DATUM|\bDATA\b|\bDATE\b|\bDAT\b/;
const TIME = /\b\d{1,2}:\d{2}\b/;

function pickDate(
  lines: readonly string[],
  today: Date,
): { date: string; confidence: number } | null {
  const dates = findDates(lines, today);
  if (dates.length === 0) return null;
  const scored = dates.map((match) => {
    const line = fold(lines[match.line] ?? "");
    let score = 0.5;
    if (DATE_LABEL.test(line)) score += 0.25;
    if (TIME.test(line)) score += 0.2;
    if (!match.shortYear) score += 0.05;
    // Best-before dates and validity periods are not the purchase date.
    if (/MHD|HALTBAR|GULTIG|VALABIL|EXPIR/.test(line)) score -= 0.4;
    // Independent mentions that agree (the till's stamp, the card slip's "21.04.")
    // outweigh one misread digit in a labelled date.
    const mentions = linesMentioning(lines, dates, match.iso).size;
    score += 0.15 * Math.min(2, mentions - 1);
    return { match, score };
  });
  scored.sort((a, b) => b.score - a.score || a.match.line - b.match.line);
  const [best] = scored;
  if (!best) return null;
  const agreeing = scored.filter((other) => other.match.iso === best.match.iso).length;
  const confidence = Math.min(0.98, best.score + (agreeing > 1 ? 0.1 : 0));
  return { date: best.match.iso, confidence: Math.round(confidence * 100) / 100 };
}

function pickCurrency(
  text: string,
  taxId: string | null,
): { currency: "EUR" | "RON"; confidence: number } | null {
  const folded = fold(text);
  const euro = (folded.match(/\bEUR\b|€|\bEURO\b/g) ?? []).length;
  const leu = (folded.match(/\bLEI\b|\bRON\b/g) ?? []).length;
  if (euro > leu) return { currency: "EUR", confidence: 0.9 };
  if (leu > euro) return { currency: "RON", confidence: 0.9 };
  if (taxId?.startsWith("DE")) return { currency: "EUR", confidence: 0.6 };
  if (taxId?.startsWith("RO") || /\bTVA\b|\bCUI\b|BON FISCAL/.test(folded)) {
    return { currency: "RON", confidence: 0.6 };
  }
  if (/MWST|UST|SUMME|ZU ZAHLEN/.test(folded)) return { currency: "EUR", confidence: 0.5 };
  return null;
}

export function extractFields(ocr: OcrResult, options: ExtractOptions = {}): ReceiptFields {
  const today = options.today ?? new Date();
  const geometryLines: OcrLine[] =
    ocr.lines && ocr.lines.length > 0
      ? ocr.lines.filter((line) => line.text.trim() !== "")
      : splitLines(ocr.text).map((text) => ({ text }));
  const lines = geometryLines.map((line) => line.text.trim());

  const merchant = findMerchant(geometryLines);
  const taxIds = findTaxIds(lines);
  const taxId =
    taxIds.find((match) => match.checked === true) ??
    taxIds.find((match) => match.kind !== "de-tax-number") ??
    taxIds[0];
  const date = pickDate(lines, today);
  const vat = findVat(lines);
  const total = findTotal(lines, vat);
  const currency = pickCurrency(ocr.text || lines.join("\n"), taxId?.value ?? null);

  const taxIdConfidence = !taxId
    ? 0
    : taxId.checked === true
      ? 0.95
      : taxId.checked === null
        ? 0.6
        : 0.3;
  return {
    merchant: merchant?.name || null,
    tax_id: taxId?.value ?? null,
    date: date?.date ?? null,
    total: total?.total ?? null,
    vat: vat && total && vat.vat >= total.total ? null : (vat?.vat ?? null),
    currency: currency?.currency ?? null,
    confidence: {
      merchant: merchant?.confidence ?? 0,
      tax_id: taxIdConfidence,
      date: date?.confidence ?? 0,
      total: total?.confidence ?? 0,
      vat: vat && !(total && vat.vat >= total.total) ? vat.confidence : 0,
      currency: currency?.confidence ?? 0,
    },
  };
}
