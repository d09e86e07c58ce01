/**
 * How a receipt would be booked now: the ERP supplier it comes from (and the account to
 * credit), and for a receipt not in lei the BNR rate of its date. Read from the ERP (the
 * partner and account lists through the nomenclature cache); the receipt page shows it,
 * the proposal uses it.
 */
import { BOOKS_CURRENCY } from "./currencies.js";
import type { Receipt } from "./entities.js";
import type { ExchangeRate, ExchangeRates } from "./exchange-rates.js";
import type { Nomenclature } from "./nomenclature.js";
import { matchSupplier, type SupplierMatch } from "./nomenclature-rules.js";
import { taxIdNeedsAttention } from "./tax-ids.js";

export type BookingNotice = "TAX_ID_INVALID" | "SUPPLIER_UNKNOWN" | "NO_EXCHANGE_RATE";

export interface Booking {
  /** null when the receipt has neither a tax id nor a merchant yet. */
  supplier: SupplierMatch | null;
  /** null for a receipt in lei, without a date or currency yet, or with no rate (see notices). */
  rate: ExchangeRate | null;
  notices: BookingNotice[];
}

export async function bookingOf(
  receipt: Receipt,
  erp: { nomenclature: Nomenclature; rates: ExchangeRates },
  genericSupplierAccount: string,
): Promise<Booking> {
  const notices: BookingNotice[] = [];
  if (taxIdNeedsAttention(receipt.taxId)) notices.push("TAX_ID_INVALID");
  let supplier: SupplierMatch | null = null;
  if (receipt.taxId.trim() !== "" || (receipt.merchant ?? "").trim() !== "") {
    const [partners, accounts] = await Promise.all([
      erp.nomenclature.partners(receipt.companyId),
      erp.nomenclature.accounts(receipt.companyId),
    ]);
    supplier = matchSupplier(partners.items, accounts.items, receipt, genericSupplierAccount);
    if (supplier.partner === null) notices.push("SUPPLIER_UNKNOWN");
  }
  let rate: ExchangeRate | null = null;
  const { currency, date } = receipt;
  if (currency !== null && date !== null && currency !== BOOKS_CURRENCY) {
    rate = await erp.rates.inForce(currency, date);
    if (rate === null) notices.push("NO_EXCHANGE_RATE");
  }
  return { supplier, rate, notices };
}

export function supplierView(match: SupplierMatch | null) {
  if (match === null) return null;
  return {
    partner_id: match.partner?.id ?? null,
    name: match.partner?.name ?? null,
    tax_id: match.partner?.tax_id ?? null,
    account: match.account,
    matched_by: match.matched_by,
  };
}
