/**
 * The receipt form's lookups as plain functions: searching a company's chart of
 * accounts and partners (already loaded), and which VAT rates apply on a day.
 */
import { fold } from "./ocr/text.js";
import { isCalendarDate } from "./receipt-rules.js";

export interface AccountItem {
  code: string;
  name: string;
  /** First digit of the code, 1–7 (Romanian chart classes). */
  class: number;
  /** `A` active, `P` passive, `B` bifunctional. */
  kind: string;
  level: "synthetic1" | "synthetic2" | "analytic";
  parent_code: string | null;
}

export type PartnerKind = "client" | "supplier";

export interface PartnerItem {
  id: number;
  name: string;
  tax_id: string;
  kind: PartnerKind;
  city: string | null;
}

/** The level a code is at: 3 digits, 4 digits, or an analytic with a dot (`401.00012`). */
export function accountLevel(code: string): AccountItem["level"] {
  if (code.includes(".")) return "analytic";
  return code.length <= 3 ? "synthetic1" : "synthetic2";
}

/** Case- and accent-insensitive: "carpati" finds "Carpați Distribuție SRL". */
function folded(text: string): string {
  return fold(text).replace(/\s+/g, " ").trim();
}

/**
 * The folded names of a list, computed once per list: the cache hands every request
 * the same frozen array until the entry expires, so a typeahead folds each name once.
 */
const foldedNames = new WeakMap<readonly { name: string }[], string[]>();

function namesOf(list: readonly { name: string }[]): string[] {
  let names = foldedNames.get(list);
  if (!names) {
    names = list.map((item) => folded(item.name));
    foldedNames.set(list, names);
  }
  return names;
}

/**
 * Accounts whose code starts with `q`, or whose name contains it (accents and case
 * ignored). Code matches come first, each group in chart order.
 */
export function searchAccounts(
  accounts: readonly AccountItem[],
  q: string | undefined,
): AccountItem[] {
  const query = q?.trim() ?? "";
  if (query === "") return [...accounts];
  const name = folded(query);
  const names = namesOf(accounts);
  const byCode: AccountItem[] = [];
  const byName: AccountItem[] = [];
  for (const [index, account] of accounts.entries()) {
    if (account.code.startsWith(query)) byCode.push(account);
    else if (names[index]?.includes(name)) byName.push(account);
  }
  return [...byCode, ...byName];
}

/** A tax id's digits (`RO 1590082` → `1590082`), to compare with or without the country prefix. */
export function taxIdDigits(taxId: string): string {
  return taxId.replace(/[^0-9]/g, "");
}

/**
 * Partners whose name contains `q` (accents and case ignored) or whose tax id starts
 * with it, with or without `RO` and spaces (`RO159`, `159` and `ro 159` all find
 * `RO1590082`). Tax id matches first, then by name.
 */
export function searchPartners(
  partners: readonly PartnerItem[],
  q: string | undefined,
  kind?: PartnerKind,
): PartnerItem[] {
  const query = q?.trim() ?? "";
  if (query === "") return partners.filter((p) => kind === undefined || p.kind === kind);
  const name = folded(query);
  const names = namesOf(partners);
  const digits = /\d/.test(query) && /^[A-Za-z]{0,2}[\s\d]+$/.test(query) ? taxIdDigits(query) : "";
  const byTaxId: PartnerItem[] = [];
  const byName: PartnerItem[] = [];
  for (const [index, partner] of partners.entries()) {
    if (kind !== undefined && partner.kind !== kind) continue;
    if (digits !== "" && taxIdDigits(partner.tax_id).startsWith(digits)) byTaxId.push(partner);
    else if (names[index]?.includes(name)) byName.push(partner);
  }
  return [...byTaxId, ...byName];
}

/** VAT rates in force from a day on (until the next period starts). */
export interface VatPeriod {
  /** YYYY-MM-DD, or null for "since always". */
  from: string | null;
  /** Percent, the standard rate first. */
  rates: number[];
}

/**
 * Romania: 19 / 9 / 5 % until 31 July 2025; 21 / 11 / 0 % from 1 August 2025
 * (Law 141/2025). The 0 % stands for supplies taxed at zero or exempt with credit.
 */
export const DEFAULT_VAT_SCHEDULE = "19,9,5;2025-08-01:21,11,0";

/**
 * Parses `rates;from:rates;…` (`19,9,5;2025-08-01:21,11,0`): periods in date order, the
 * first may omit its start. Throws a message naming what is wrong.
 */
export function parseVatSchedule(text: string): VatPeriod[] {
  const periods: VatPeriod[] = [];
  for (const [index, part] of text.split(";").entries()) {
    const segment = part.trim();
    if (segment === "") continue;
    const colon = segment.indexOf(":");
    const from = colon === -1 ? null : segment.slice(0, colon).trim();
    const list = colon === -1 ? segment : segment.slice(colon + 1);
    if (from !== null && !isCalendarDate(from)) {
      throw new Error(`period ${index + 1}: "${from}" is not a date YYYY-MM-DD`);
    }
    if (from === null && periods.length > 0) {
      throw new Error(`period ${index + 1}: only the first period may omit its start date`);
    }
    const previous = periods[periods.length - 1];
    if (from !== null && previous?.from != null && from <= previous.from) {
      throw new Error(`period ${index + 1}: periods must be in date order`);
    }
    const rates = list.split(",").map((rate) => Number(rate.trim()));
    if (
      rates.length === 0 ||
      rates.some((rate) => !Number.isFinite(rate) || rate < 0 || rate >= 100)
    ) {
      throw new Error(`period ${index + 1}: rates must be percentages from 0 to 99 ("${list}")`);
    }
    periods.push({ from, rates });
  }
  if (periods.length === 0) throw new Error("no period given");
  return periods;
}

export interface VatRatesOn {
  date: string;
  valid_from: string | null;
  /** The last day of the period, or null while no later period is known. */
  valid_to: string | null;
  rates: Array<{ rate: number; name: "standard" | "reduced" | "zero" }>;
}

function dayBefore(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - 1);
  return date.toISOString().slice(0, 10);
}

/** The rates in force on `date` (YYYY-MM-DD); null before the first period. */
export function vatRatesOn(schedule: readonly VatPeriod[], date: string): VatRatesOn | null {
  let found = -1;
  for (const [index, period] of schedule.entries()) {
    if (period.from === null || period.from <= date) found = index;
  }
  const period = schedule[found];
  if (!period) return null;
  const next = schedule[found + 1];
  return {
    date,
    valid_from: period.from,
    valid_to: next?.from ? dayBefore(next.from) : null,
    rates: period.rates.map((rate, index) => ({
      rate,
      name: rate === 0 ? "zero" : index === 0 ? "standard" : "reduced",
    })),
  };
}

/** Legal forms and the words around them, which receipts and the ERP write differently. */
const LEGAL_FORMS = new Set([
  "SRL",
  "SA",
  "SC",
  "SCS",
  "SNC",
  "PFA",
  "II",
  "IF",
  "RA",
  "GMBH",
  "AG",
  "KG",
  "CO",
  "LTD",
  "PLC",
  "SPA",
  "SAS",
  "SARL",
  "BV",
  "NV",
]);

/** `S.C. Carpați Distribuție S.R.L.` and `CARPATI DISTRIBUTIE SRL` → `CARPATI DISTRIBUTIE`. */
export function normalisedName(name: string): string {
  const words = fold(name)
    .toUpperCase()
    // S.R.L. → SRL before punctuation becomes a space.
    .replace(/\b([A-Z])\.(?=[A-Z]\.)/g, "$1")
    .replace(/\b([A-Z])\.(?![A-Z])/g, "$1")
    .replace(/[^A-Z0-9]+/g, " ")
    .trim()
    .split(" ");
  return words.filter((word) => word !== "" && !LEGAL_FORMS.has(word)).join(" ");
}

/** A tax id to compare: a Romanian CUI by its digits (`RO 159` = `159`), others compacted. */
function comparableTaxId(taxId: string): string {
  const compact = taxId.replace(/[\s.-]/g, "").toUpperCase();
  return /^(RO)?\d+$/.test(compact) ? compact.replace(/^RO/, "") : compact;
}

export interface SupplierMatch {
  /** null: the ERP has no such supplier. */
  partner: PartnerItem | null;
  matched_by: "tax_id" | "name" | null;
  /** The account the proposal credits: the partner's `401.<id>`, or the generic one. */
  account: string;
}

/**
 * The company's supplier a receipt comes from: by tax id first, then (no tax id, or one
 * the ERP does not know) by name with legal forms, accents and punctuation ignored.
 * Its account is the analytic the ERP keeps per supplier (`401.00012`, the partner id on
 * five digits, docs/demo-erp.md), if the chart has it; otherwise the generic account.
 */
export function matchSupplier(
  partners: readonly PartnerItem[],
  accounts: readonly Pick<AccountItem, "code">[],
  receipt: { taxId: string; merchant: string | null },
  genericAccount: string,
): SupplierMatch {
  const suppliers = partners.filter((partner) => partner.kind === "supplier");
  let partner: PartnerItem | undefined;
  let matchedBy: SupplierMatch["matched_by"] = null;
  const taxId = comparableTaxId(receipt.taxId);
  if (taxId !== "") {
    partner = suppliers.find((candidate) => comparableTaxId(candidate.tax_id) === taxId);
    if (partner) matchedBy = "tax_id";
  }
  const name = receipt.merchant ? normalisedName(receipt.merchant) : "";
  if (!partner && name !== "") {
    partner = suppliers.find((candidate) => normalisedName(candidate.name) === name);
    if (partner) matchedBy = "name";
  }
  if (!partner) return { partner: null, matched_by: null, account: genericAccount };
  const analytic = `${genericAccount}.${String(partner.id).padStart(5, "0")}`;
  const known = accounts.some((account) => account.code === analytic);
  return { partner, matched_by: matchedBy, account: known ? analytic : genericAccount };
}
