/**
 * What makes a receipt's fields valid beyond their JSON shape, and how they become
 * the stored record and the JSON view. Plain functions: `today` is passed in.
 */
import { normaliseCurrency } from "./currencies.js";
import { InvalidFieldError } from "./errors.js";
import { hasAtMostTwoDecimals } from "./money.js";
import type { NewReceiptBody, ReceiptPatchBody } from "./schemas.js";
import { normaliseTaxId } from "./tax-ids.js";

export const MERCHANT_MAX_LENGTH = 200;
export const TAX_ID_MAX_LENGTH = 32;
export const NOTES_MAX_LENGTH = 2000;

/** The fields as stored. */
export interface ReceiptFields {
  merchant: string;
  taxId: string;
  date: string;
  total: number;
  vat: number;
  currency: string;
  notes: string | null;
}

/** Today's date (YYYY-MM-DD) where the books are kept, so a receipt from this morning is never "in the future". */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(now);
}

/** Whether a YYYY-MM-DD string names a real calendar day (no 2026-02-30). */
export function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
}

/**
 * A DRAFT's fields: those not entered yet are null (a receipt created from a photo
 * waits for OCR). Every status past DRAFT has them all (see `missingFields`).
 */
export interface DraftFields {
  merchant: string | null;
  taxId: string;
  date: string | null;
  total: number | null;
  vat: number | null;
  currency: string | null;
  notes: string | null;
}

/** The fields a receipt still lacks before it can be submitted, by their API names. */
export function missingFields(fields: DraftFields): string[] {
  const missing: string[] = [];
  if (fields.merchant === null || fields.merchant.trim() === "") missing.push("merchant");
  if (fields.date === null) missing.push("date");
  if (fields.total === null) missing.push("total");
  if (fields.vat === null) missing.push("vat");
  if (fields.currency === null) missing.push("currency");
  return missing;
}

/** Checks the fields that are there (after a patch is merged in) and trims text. */
export function checkDraftFields(fields: DraftFields, today: string): DraftFields {
  let merchant: string | null = null;
  if (fields.merchant !== null) {
    merchant = fields.merchant.trim();
    if (merchant === "") throw new InvalidFieldError("body.merchant", "must not be blank");
  }
  if (fields.date !== null) {
    if (!isCalendarDate(fields.date)) {
      throw new InvalidFieldError("body.date", "must be a date YYYY-MM-DD");
    }
    if (fields.date > today) {
      throw new InvalidFieldError("body.date", `must not be in the future (today is ${today})`);
    }
  }
  if (fields.total !== null && (!(fields.total > 0) || !hasAtMostTwoDecimals(fields.total))) {
    throw new InvalidFieldError("body.total", "must be greater than 0 with at most two decimals");
  }
  if (fields.vat !== null) {
    if (!(fields.vat >= 0) || !hasAtMostTwoDecimals(fields.vat)) {
      throw new InvalidFieldError("body.vat", "must be 0 or more with at most two decimals");
    }
    if (fields.total !== null && fields.vat > fields.total) {
      throw new InvalidFieldError("body.vat", "must not be more than the total");
    }
  }
  const notes = fields.notes?.trim() ?? "";
  return {
    merchant,
    taxId: fields.taxId.trim().toUpperCase(),
    date: fields.date,
    total: fields.total,
    vat: fields.vat,
    currency: fields.currency === null ? null : normaliseCurrency(fields.currency),
    notes: notes === "" ? null : notes,
  };
}

/** Checks a complete set of fields (a new receipt). */
export function checkReceiptFields(fields: ReceiptFields, today: string): ReceiptFields {
  return checkDraftFields(fields, today) as ReceiptFields;
}

export function newReceiptFields(body: NewReceiptBody, today: string): ReceiptFields {
  return checkReceiptFields(
    {
      merchant: body.merchant,
      taxId: normaliseTaxId(body.tax_id),
      date: body.date,
      total: body.total,
      vat: body.vat,
      currency: body.currency,
      notes: body.notes ?? null,
    },
    today,
  );
}

/**
 * The current fields with a patch applied, checked as a whole (a new vat against the old
 * total). A tax id is checked when it is sent: one OCR filled in and that fails its check
 * is flagged on the receipt (`warnings`), and must not block a patch of another field.
 */
export function patchedReceiptFields(
  current: DraftFields,
  patch: ReceiptPatchBody,
  today: string,
): DraftFields {
  return checkDraftFields(
    {
      merchant: patch.merchant ?? current.merchant,
      taxId: patch.tax_id === undefined ? current.taxId : normaliseTaxId(patch.tax_id),
      date: patch.date ?? current.date,
      total: patch.total ?? current.total,
      vat: patch.vat ?? current.vat,
      currency: patch.currency ?? current.currency,
      notes: patch.notes === undefined ? current.notes : patch.notes,
    },
    today,
  );
}
