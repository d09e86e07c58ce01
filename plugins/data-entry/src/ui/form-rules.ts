/**
 * The UI's pure logic, kept free of the DOM and of the shell so it is unit-tested in
 * node: the receipt form's checks (mirroring `receipt-rules.ts` on the server), the
 * list filters <-> URL query, and the entries' totals.
 * Messages are returned as catalogue keys; the components translate them.
 */
import { RECEIPT_STATUSES, type ReceiptStatus } from "./types.js";

// The server's limits (receipt-rules.ts); the UI only mirrors them.
export const MERCHANT_MAX_LENGTH = 200;
export const TAX_ID_MAX_LENGTH = 32;
export const NOTES_MAX_LENGTH = 2000;
export const EXPLANATION_MAX_LENGTH = 300;

export type ReceiptField = "merchant" | "tax_id" | "date" | "total" | "vat" | "currency" | "notes";
export const RECEIPT_FIELDS: readonly ReceiptField[] = [
  "merchant",
  "tax_id",
  "date",
  "total",
  "vat",
  "currency",
  "notes",
];

/** The form as typed: every value a string, amounts with a decimal comma or point. */
export type ReceiptFormValues = Record<ReceiptField, string>;

export interface ReceiptBody {
  merchant: string;
  tax_id: string;
  date: string;
  total: number;
  vat: number;
  currency: string;
  notes: string | null;
}

/**
 * An amount as typed: `12,50`, `12.50`, `1.234,56`, `1 234.56`. `1.234` (groups of
 * three after a non-zero lead) is a thousands grouping; otherwise the last `,` or `.`
 * is the decimal separator. NaN when it is not a number.
 */
export function parseAmount(text: string): number {
  const compact = text.replace(/[\s\u00a0]/g, "");
  if (!/^-?\d*(?:[.,]\d*)*$/.test(compact) || !/\d/.test(compact)) return Number.NaN;
  if (/^-?[1-9]\d{0,2}(?:([.,])\d{3})(?:\1\d{3})*$/.test(compact)) {
    return Number(compact.replace(/[.,]/g, ""));
  }
  const at = Math.max(compact.lastIndexOf(","), compact.lastIndexOf("."));
  if (at < 0) return Number(compact);
  const whole = compact.slice(0, at).replace(/[.,]/g, "");
  const fraction = compact.slice(at + 1);
  return Number(`${whole === "" || whole === "-" ? `${whole}0` : whole}.${fraction || "0"}`);
}

export function hasAtMostTwoDecimals(value: number): boolean {
  return Math.abs(Math.round(value * 100) - value * 100) < 1e-6;
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

/** Today as YYYY-MM-DD on this device's clock. */
export function localToday(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/**
 * The server's rules, checked before sending: field -> message key. Empty when valid.
 * Fields in `optional` may stay blank (a DRAFT from a photo whose field is still
 * missing: the PATCH leaves it out); a blank field not in it is an error.
 */
export function validateReceiptForm(
  values: ReceiptFormValues,
  today: string,
  optional: readonly ReceiptField[] = [],
): Partial<Record<ReceiptField, string>> {
  const errors: Partial<Record<ReceiptField, string>> = {};
  const skip = (field: ReceiptField) => optional.includes(field) && values[field].trim() === "";
  const merchant = values.merchant.trim();
  if (skip("merchant")) {
    // still missing
  } else if (merchant === "") errors.merchant = "data-entry.rule.merchantRequired";
  else if (merchant.length > MERCHANT_MAX_LENGTH) errors.merchant = "data-entry.rule.tooLong";
  if (values.tax_id.trim().length > TAX_ID_MAX_LENGTH) errors.tax_id = "data-entry.rule.tooLong";
  if (skip("date")) {
    // still missing
  } else if (!isCalendarDate(values.date)) errors.date = "data-entry.rule.dateInvalid";
  else if (values.date > today) errors.date = "data-entry.rule.dateFuture";
  const total = parseAmount(values.total);
  if (skip("total")) {
    // still missing
  } else if (values.total.trim() === "" || Number.isNaN(total))
    errors.total = "data-entry.rule.number";
  else if (!(total > 0)) errors.total = "data-entry.rule.totalPositive";
  else if (!hasAtMostTwoDecimals(total)) errors.total = "data-entry.rule.twoDecimals";
  const vat = parseAmount(values.vat);
  if (skip("vat")) {
    // still missing
  } else if (values.vat.trim() === "" || Number.isNaN(vat)) errors.vat = "data-entry.rule.number";
  else if (vat < 0) errors.vat = "data-entry.rule.vatNegative";
  else if (!hasAtMostTwoDecimals(vat)) errors.vat = "data-entry.rule.twoDecimals";
  else if (!errors.total && !skip("total") && vat > total)
    errors.vat = "data-entry.rule.vatAboveTotal";
  if (skip("currency")) {
    // still missing
  } else if (!/^[A-Za-z]{3}$/.test(values.currency.trim()))
    errors.currency = "data-entry.rule.currency";
  if (values.notes.trim().length > NOTES_MAX_LENGTH) errors.notes = "data-entry.rule.tooLong";
  return errors;
}

/** The JSON body for POST/PATCH /receipts from a valid form. */
export function toReceiptBody(values: ReceiptFormValues): ReceiptBody {
  const notes = values.notes.trim();
  return {
    merchant: values.merchant.trim(),
    tax_id: values.tax_id.trim().toUpperCase(),
    date: values.date,
    total: parseAmount(values.total),
    vat: parseAmount(values.vat),
    currency: values.currency.trim().toUpperCase(),
    notes: notes === "" ? null : notes,
  };
}

/**
 * A PATCH body with only `fields`, leaving out the blank ones (still missing in a
 * DRAFT; the server keeps them null). Call with values that passed the checks.
 */
export function toReceiptPatch(
  values: ReceiptFormValues,
  fields: readonly ReceiptField[],
): Partial<ReceiptBody> {
  const full = toReceiptBody(values);
  const body: Record<string, unknown> = {};
  for (const field of fields) {
    if (values[field].trim() === "" && field !== "notes" && field !== "tax_id") continue;
    body[field] = full[field];
  }
  return body as Partial<ReceiptBody>;
}

/** The receipt as form text: null fields (a DRAFT waiting for OCR) are empty inputs. */
export function receiptFormValues(
  receipt: {
    merchant: string | null;
    tax_id: string | null;
    date: string | null;
    total: number | null;
    vat: number | null;
    currency: string | null;
    notes: string | null;
  },
  decimal: DecimalSeparator = ".",
): ReceiptFormValues {
  return {
    merchant: receipt.merchant ?? "",
    tax_id: receipt.tax_id ?? "",
    date: receipt.date ?? "",
    total: amountText(receipt.total, decimal),
    vat: amountText(receipt.vat, decimal),
    currency: receipt.currency ?? "",
    notes: receipt.notes ?? "",
  };
}

/** An account suggestion from `GET /nomenclature/accounts` (`{items: [{code, name, …}]}`). */
export interface AccountOption {
  code: string;
  name: string;
}

export function toAccountOptions(page: {
  items: ReadonlyArray<{ code: string; name: string }>;
}): AccountOption[] {
  return page.items.map(({ code, name }) => ({ code, name }));
}

/** A supplier suggestion from `GET /nomenclature/partners` (`{items: [{id, name, tax_id, …}]}`). */
export interface PartnerOption {
  name: string;
  tax_id: string;
}

export function toPartnerOptions(page: {
  items: ReadonlyArray<{ name: string; tax_id: string }>;
}): PartnerOption[] {
  return page.items.map(({ name, tax_id }) => ({ name, tax_id }));
}

/** The partner the merchant field names exactly (ignoring case and spaces), if any. */
export function partnerNamed(
  options: readonly PartnerOption[],
  merchant: string,
): PartnerOption | undefined {
  const wanted = merchant.trim().replace(/\s+/g, " ").toLowerCase();
  if (wanted === "") return undefined;
  return options.find((option) => option.name.trim().replace(/\s+/g, " ").toLowerCase() === wanted);
}

/** The decimal separator of the UI's language: a comma in Romanian. */
export type DecimalSeparator = "," | ".";

/**
 * An amount for an input, written as the totals are: two decimals, the language's
 * decimal separator and the other one between thousands (`1.234,56`, `1,234.56`),
 * which `parseAmount` reads back.
 */
export function amountText(
  value: number | null | undefined,
  decimal: DecimalSeparator = ".",
): string {
  if (value === null || value === undefined) return "";
  const [whole = "", fraction = ""] = Math.abs(value).toFixed(2).split(".");
  const group = decimal === "," ? "." : ",";
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  return `${value < 0 ? "-" : ""}${grouped}${decimal}${fraction}`;
}

export interface ListFilter {
  status: ReceiptStatus | "";
  date_from: string;
  date_to: string;
  page: number;
}

/** The list's filters from the address bar; unknown or malformed values are dropped. */
export function filterFromQuery(query: URLSearchParams): ListFilter {
  const status = query.get("status") ?? "";
  const dateFrom = query.get("date_from") ?? "";
  const dateTo = query.get("date_to") ?? "";
  const page = Number(query.get("page") ?? "1");
  return {
    status: RECEIPT_STATUSES.includes(status as ReceiptStatus) ? (status as ReceiptStatus) : "",
    date_from: isCalendarDate(dateFrom) ? dateFrom : "",
    date_to: isCalendarDate(dateTo) ? dateTo : "",
    page: Number.isInteger(page) && page >= 1 ? page : 1,
  };
}

/** The filters for the address bar (and the API): defaults left out. */
export function filterToQuery(filter: ListFilter): Record<string, string | number | undefined> {
  return {
    status: filter.status || undefined,
    date_from: filter.date_from || undefined,
    date_to: filter.date_to || undefined,
    page: filter.page > 1 ? filter.page : undefined,
  };
}

/** An entry line as edited: the amount is still text. */
export interface EditableLine {
  account: string;
  debit: string;
  credit: string;
  explanation: string;
  /**
   * A loaded line's amount in the receipt's currency, with the lei amount and side it
   * belongs to: sent back only while the line still says that amount on that side.
   */
  inCurrency?: { amount: number; lei: number; side: "debit" | "credit" };
}

export interface EntryTotals {
  /** In currency units, summed in cents. */
  debit: number;
  credit: number;
  balanced: boolean;
  /** Indexes of lines that are not one positive amount on one side with an account. */
  invalid: number[];
}

const ACCOUNT_PATTERN = /^\s*\d{3,4}(\.[0-9A-Za-z]+)?\s*$/;

export function isAccountCode(text: string): boolean {
  return ACCOUNT_PATTERN.test(text);
}

/** A line is valid with an account code and exactly one positive amount of two decimals at most. */
export function lineIsValid(line: EditableLine): boolean {
  const debit = line.debit.trim() === "" ? 0 : parseAmount(line.debit);
  const credit = line.credit.trim() === "" ? 0 : parseAmount(line.credit);
  if (!isAccountCode(line.account)) return false;
  if (Number.isNaN(debit) || Number.isNaN(credit)) return false;
  if (!hasAtMostTwoDecimals(debit) || !hasAtMostTwoDecimals(credit)) return false;
  if (line.explanation.length > EXPLANATION_MAX_LENGTH) return false;
  return (debit > 0 && credit === 0) || (credit > 0 && debit === 0);
}

/** Live totals; balanced only with at least one line, every line valid and debits = credits. */
export function entryTotals(lines: readonly EditableLine[]): EntryTotals {
  let debitCents = 0;
  let creditCents = 0;
  const invalid: number[] = [];
  lines.forEach((line, index) => {
    if (!lineIsValid(line)) invalid.push(index);
    const debit = parseAmount(line.debit);
    const credit = parseAmount(line.credit);
    if (line.debit.trim() !== "" && !Number.isNaN(debit)) debitCents += Math.round(debit * 100);
    if (line.credit.trim() !== "" && !Number.isNaN(credit)) creditCents += Math.round(credit * 100);
  });
  return {
    debit: debitCents / 100,
    credit: creditCents / 100,
    balanced: lines.length > 0 && invalid.length === 0 && debitCents === creditCents,
    invalid,
  };
}

/** API lines -> editable ones (one amount column filled). */
export function toEditableLines(
  entries: ReadonlyArray<{
    account: string;
    side: string;
    amount: number;
    explanation: string;
    currency_amount?: number | null;
  }>,
  decimal: DecimalSeparator = ".",
): EditableLine[] {
  return entries.map((entry) => {
    const line: EditableLine = {
      account: entry.account,
      debit: entry.side === "debit" ? amountText(entry.amount, decimal) : "",
      credit: entry.side === "credit" ? amountText(entry.amount, decimal) : "",
      explanation: entry.explanation ?? "",
    };
    if (entry.currency_amount != null) {
      const side = entry.side === "debit" ? "debit" : "credit";
      line.inCurrency = { amount: entry.currency_amount, lei: entry.amount, side };
    }
    return line;
  });
}

/** Editable lines -> the PUT body's lines (call only when every line is valid). */
export function toEntryBody(lines: readonly EditableLine[]): Array<{
  account: string;
  side: "debit" | "credit";
  amount: number;
  explanation: string;
  currency_amount?: number;
}> {
  return lines.map((line) => {
    const debit = line.debit.trim() === "" ? 0 : parseAmount(line.debit);
    const side = debit > 0 ? "debit" : "credit";
    const amount = debit > 0 ? debit : parseAmount(line.credit);
    const body = {
      account: line.account.trim(),
      side,
      amount,
      explanation: line.explanation,
    } as const;
    // An amount changed by hand no longer matches its converted currency amount: dropped.
    const kept = line.inCurrency;
    return kept && kept.side === side && kept.lei === amount
      ? { ...body, currency_amount: kept.amount }
      : body;
  });
}
