/**
 * Accounting entries of a receipt: the proposal made from its totals, the checks on
 * lines a user edits, and the balance that submitting requires. Plain functions.
 */
import { InvalidFieldError } from "./errors.js";
import type { ExchangeRate } from "./exchange-rates.js";
import { toLei } from "./exchange-rates.js";
import { fromCents, hasAtMostTwoDecimals, toCents } from "./money.js";

export const ENTRY_SIDES = ["debit", "credit"] as const;
export type EntrySide = (typeof ENTRY_SIDES)[number];

export interface EntryLine {
  account: string;
  side: EntrySide;
  amount: number;
  explanation: string;
  /** The line's amount in the receipt's currency when that is not RON; null in lei. */
  currencyAmount: number | null;
}

/** Accounts the proposal uses (settings DATA_ENTRY_*_ACCOUNT). */
export interface ProposalAccounts {
  /** Expense, e.g. 6022 (fuel) or 604 (non-stocked materials). */
  expense: string;
  /** Deductible VAT, 4426. */
  vat: string;
  /** Supplier, 401: an invoice paid later (the generic account, for a supplier the ERP does not know). */
  supplier: string;
  /** Cash in lei, 5311: a fiscal receipt paid at the till. */
  cash: string;
  /**
   * Where VAT paid abroad goes: it is not Romanian VAT and cannot be deducted through
   * 4426. null: into the expense (the default); otherwise an account such as 635.
   */
  foreignVat: string | null;
}

export const PAYMENT_METHODS = ["supplier", "cash"] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/** The language of texts stored in the books (DATA_ENTRY_RECORDS_LANGUAGE). */
export const RECORDS_LANGUAGES = ["ro", "en"] as const;
export type RecordsLanguage = (typeof RECORDS_LANGUAGES)[number];

const EXPLANATIONS: Record<
  RecordsLanguage,
  Record<"expense" | "vat" | "foreignVat" | "cash" | "supplier", string>
> = {
  ro: {
    expense: "Cheltuială",
    vat: "TVA deductibilă",
    foreignVat: "TVA străină nedeductibilă",
    cash: "Plătit în numerar",
    supplier: "Datorat furnizorului",
  },
  en: {
    expense: "Expense",
    vat: "Deductible VAT",
    foreignVat: "Non-deductible foreign VAT",
    cash: "Paid in cash",
    supplier: "Owed to supplier",
  },
};

/** The explanation column's width (receipt_entries.explanation). */
export const EXPLANATION_MAX_LENGTH = 300;

export interface ProposalInput {
  merchant: string;
  date: string;
  total: number;
  vat: number;
  currency: string;
}

export interface ProposalOptions {
  payment: PaymentMethod;
  /** Default: accounts.expense. */
  expenseAccount?: string;
  /** The supplier's own account (401.<partner>), default: accounts.supplier. */
  supplierAccount?: string;
  /** The BNR rate for a receipt not in lei (required then); null or absent for lei. */
  rate?: Pick<ExchangeRate, "rate" | "multiplier"> | null;
  /** Default `ro`. */
  language?: RecordsLanguage;
}

/**
 * The accountant's entries for a receipt, in lei. A receipt in lei: debit the expense
 * with the net amount and 4426 with the VAT, credit the supplier (or cash) with the total.
 * A receipt in another currency: every amount converted at the rate (the total and the
 * VAT each rounded to the ban, the net the difference, so it still balances), and its
 * VAT, charged abroad, is never 4426: it stays in the expense or goes to the account the
 * company set. Each line keeps the amount in the receipt's currency.
 */
export function proposeEntries(
  receipt: ProposalInput,
  accounts: ProposalAccounts,
  options: ProposalOptions,
): EntryLine[] {
  const foreign = receipt.currency !== "RON";
  const rate = options.rate ?? null;
  if (foreign && rate === null) {
    throw new Error(`A receipt in ${receipt.currency} needs an exchange rate to be booked`);
  }
  const inLei = (amount: number) => (foreign && rate ? toLei(amount, rate) : amount);
  const totalCents = toCents(inLei(receipt.total));
  const vatCents = toCents(inLei(receipt.vat));
  const texts = EXPLANATIONS[options.language ?? "ro"];
  const what = `${receipt.merchant} ${receipt.date}`;
  const explain = (label: string) => `${label}: ${what}`.slice(0, EXPLANATION_MAX_LENGTH);
  const original = (amount: number) => (foreign ? amount : null);
  const vatSeparate = !foreign || accounts.foreignVat !== null;
  const lines: EntryLine[] = [
    {
      account: options.expenseAccount ?? accounts.expense,
      side: "debit",
      amount: fromCents(vatSeparate ? totalCents - vatCents : totalCents),
      explanation: explain(texts.expense),
      currencyAmount: original(
        vatSeparate ? fromCents(toCents(receipt.total) - toCents(receipt.vat)) : receipt.total,
      ),
    },
  ];
  if (vatCents > 0 && vatSeparate) {
    lines.push({
      account: foreign ? (accounts.foreignVat as string) : accounts.vat,
      side: "debit",
      amount: fromCents(vatCents),
      explanation: explain(foreign ? texts.foreignVat : texts.vat),
      currencyAmount: original(receipt.vat),
    });
  }
  const cash = options.payment === "cash";
  lines.push({
    account: cash ? accounts.cash : (options.supplierAccount ?? accounts.supplier),
    side: "credit",
    amount: fromCents(totalCents),
    explanation: explain(cash ? texts.cash : texts.supplier),
    currencyAmount: original(receipt.total),
  });
  // A receipt whose VAT equals its total has no net amount: drop the zero line.
  return lines.filter((line) => line.amount > 0);
}

export interface Balance {
  debit: number;
  credit: number;
  lines: number;
  /** At least one line, and debits equal credits to the cent. */
  balanced: boolean;
}

export function balanceOf(lines: readonly Pick<EntryLine, "side" | "amount">[]): Balance {
  let debit = 0;
  let credit = 0;
  for (const line of lines) {
    if (line.side === "debit") debit += toCents(line.amount);
    else credit += toCents(line.amount);
  }
  return {
    debit: fromCents(debit),
    credit: fromCents(credit),
    lines: lines.length,
    balanced: lines.length > 0 && debit === credit,
  };
}

/** Checks lines a user sent (the JSON schema has checked their shape); trims text. */
export function normaliseEntryLines(
  lines: ReadonlyArray<Omit<EntryLine, "currencyAmount"> & { currency_amount?: number | null }>,
): EntryLine[] {
  return lines.map((line, index) => {
    const field = `body.entries.${index}`;
    if (!(line.amount > 0) || !hasAtMostTwoDecimals(line.amount)) {
      throw new InvalidFieldError(
        `${field}.amount`,
        "must be greater than 0 with at most two decimals",
      );
    }
    const account = line.account.trim();
    if (account === "") throw new InvalidFieldError(`${field}.account`, "must not be blank");
    const currencyAmount = line.currency_amount ?? null;
    if (
      currencyAmount !== null &&
      (!(currencyAmount > 0) || !hasAtMostTwoDecimals(currencyAmount))
    ) {
      throw new InvalidFieldError(
        `${field}.currency_amount`,
        "must be greater than 0 with at most two decimals",
      );
    }
    return {
      account,
      side: line.side,
      amount: line.amount,
      explanation: line.explanation.trim(),
      currencyAmount,
    };
  });
}

/** The distinct accounts lines use, for one look-up in the ERP chart. */
export function accountsOf(lines: readonly Pick<EntryLine, "account">[]): string[] {
  return [...new Set(lines.map((line) => line.account))].sort();
}
