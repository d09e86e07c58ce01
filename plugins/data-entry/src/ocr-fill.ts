/**
 * Which of a receipt's fields OCR may fill, as a plain function: the empty ones (or
 * all, with `overwrite`), each only with a value that passes the same rules as typed
 * input. What the user typed wins unless they asked otherwise.
 */
import { hasAtMostTwoDecimals } from "./money.js";
import type { ReceiptFields as OcrFields } from "./ocr/extract-fields.js";
import { isCalendarDate, MERCHANT_MAX_LENGTH, TAX_ID_MAX_LENGTH } from "./receipt-rules.js";
import type { RecordsLanguage } from "./settings.js";

/** The receipt fields OCR can read, as stored (null: not entered yet). */
export interface FillableFields {
  merchant: string | null;
  taxId: string;
  date: string | null;
  total: number | null;
  vat: number | null;
  currency: string | null;
}

export const FILLABLE = ["merchant", "tax_id", "date", "total", "vat", "currency"] as const;
export type FillableName = (typeof FILLABLE)[number];

/** Placeholders a client may have sent while waiting for OCR count as empty. */
function isEmpty(value: string | number | null): boolean {
  if (value === null) return true;
  if (typeof value === "string") return value.trim() === "" || value.trim() === "?";
  return false;
}

/** One number for "how sure": the mean confidence of merchant, date and total (0 when not found). */
export function overallConfidence(fields: OcrFields): number {
  const { merchant, date, total } = fields.confidence;
  return Math.round(((merchant + date + total) / 3) * 100) / 100;
}

export interface Fill {
  /** The stored fields to write. */
  changes: Partial<FillableFields>;
  /** Their API names, in FILLABLE order. */
  names: FillableName[];
}

export function fillFromOcr(
  current: FillableFields,
  ocr: OcrFields,
  options: { overwrite: boolean; today: string },
): Fill {
  const changes: Partial<FillableFields> = {};
  const names: FillableName[] = [];
  const may = (value: string | number | null) => options.overwrite || isEmpty(value);

  const merchant = ocr.merchant?.trim().slice(0, MERCHANT_MAX_LENGTH);
  if (merchant && may(current.merchant)) {
    changes.merchant = merchant;
    names.push("merchant");
  }
  const taxId = ocr.tax_id?.trim().toUpperCase();
  if (taxId && taxId.length <= TAX_ID_MAX_LENGTH && may(current.taxId)) {
    changes.taxId = taxId;
    names.push("tax_id");
  }
  if (ocr.date && isCalendarDate(ocr.date) && ocr.date <= options.today && may(current.date)) {
    changes.date = ocr.date;
    names.push("date");
  }
  if (
    ocr.total !== null &&
    ocr.total > 0 &&
    hasAtMostTwoDecimals(ocr.total) &&
    may(current.total)
  ) {
    changes.total = ocr.total;
    names.push("total");
  }
  // VAT is checked against the total the receipt will have (none: no VAT either).
  const total = changes.total ?? current.total;
  if (
    ocr.vat !== null &&
    ocr.vat >= 0 &&
    hasAtMostTwoDecimals(ocr.vat) &&
    total !== null &&
    ocr.vat <= total &&
    may(current.vat)
  ) {
    changes.vat = ocr.vat;
    names.push("vat");
  }
  if (ocr.currency && may(current.currency)) {
    changes.currency = ocr.currency;
    names.push("currency");
  }
  // A typed VAT above an OCR total would break the receipt: leave the total alone then.
  const newTotal = changes.total;
  if (
    typeof newTotal === "number" &&
    changes.vat === undefined &&
    current.vat !== null &&
    current.vat > newTotal
  ) {
    delete changes.total;
    names.splice(names.indexOf("total"), 1);
  }
  return { changes, names };
}

/** A history note: a code and its parameters (for the UI), and a text in the records' language. */
export interface HistoryNote {
  code: "ocr_filled";
  params: { confidence: number; fields: FillableName[] };
  text: string;
}

const FIELD_NAMES: Record<RecordsLanguage, Record<FillableName, string>> = {
  ro: {
    merchant: "comerciant",
    tax_id: "cod fiscal",
    date: "dată",
    total: "total",
    vat: "TVA",
    currency: "monedă",
  },
  en: {
    merchant: "merchant",
    tax_id: "tax id",
    date: "date",
    total: "total",
    vat: "VAT",
    currency: "currency",
  },
};

/** "Completat din OCR (încredere 0,79): comerciant, dată" in the records' language. */
export function ocrFilledNote(
  names: readonly FillableName[],
  confidence: number,
  language: RecordsLanguage,
): HistoryNote {
  const fields = names.map((name) => FIELD_NAMES[language][name]).join(", ");
  const sure = confidence.toFixed(2);
  const text =
    language === "ro"
      ? `Completat din OCR (încredere ${sure.replace(".", ",")}): ${fields}`
      : `Filled by OCR (confidence ${sure}): ${fields}`;
  return { code: "ocr_filled", params: { confidence, fields: [...names] }, text };
}
