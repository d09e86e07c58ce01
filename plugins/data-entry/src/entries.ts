/**
 * Accounting entries of a receipt: the proposal made from its totals, the checks on
 * lines a user edits, and the balance that submitting requires. Plain functions.
 */
import { InvalidFieldError } from "./errors.js";
import { fromCents, hasAtMostTwoDecimals, toCents } from "./money.js";

export const ENTRY_SIDES = ["debit", "credit"] as const;
export type EntrySide = (typeof ENTRY_SIDES)[number];

export interface EntryLine {
  account: string;
  side: EntrySide;
  amount: number;
  explanation: string;
}

/** Accounts the proposal uses (settings DATA_ENTRY_*_ACCOUNT). */
export interface ProposalAccounts {
  /** Expense, e.g. 6022 (fuel) or 604 (non-stocked materials). */
  expense: string;
  /** Deductible VAT, 4426. */
  vat: string;
  /** Supplier, 401: an invoice paid later. */
  supplier: string;
  /** Cash in lei, 5311: a fiscal receipt paid at the till. */
  cash: string;
}

export const PAYMENT_METHODS = ["supplier", "cash"] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export interface ProposalInput {
  merchant: string;
  date: string;
  total: number;
  vat: number;
}

/**
 * Debit the expense with the net amount and deductible VAT with the VAT; credit the
 * supplier (or cash) with the total. Balanced by construction, computed in cents.
 */
export function proposeEntries(
  receipt: ProposalInput,
  accounts: ProposalAccounts,
  payment: PaymentMethod,
  expenseAccount: string = accounts.expense,
): EntryLine[] {
  const totalCents = toCents(receipt.total);
  const vatCents = toCents(receipt.vat);
  const what = `${receipt.merchant} ${receipt.date}`;
  const lines: EntryLine[] = [
    {
      account: expenseAccount,
      side: "debit",
      amount: fromCents(totalCents - vatCents),
      explanation: `Expense: ${what}`,
    },
  ];
  if (vatCents > 0) {
    lines.push({
      account: accounts.vat,
      side: "debit",
      amount: fromCents(vatCents),
      explanation: `Deductible VAT: ${what}`,
    });
  }
  lines.push({
    account: payment === "cash" ? accounts.cash : accounts.supplier,
    side: "credit",
    amount: fromCents(totalCents),
    explanation: payment === "cash" ? `Paid in cash: ${what}` : `Owed to supplier: ${what}`,
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
export function normaliseEntryLines(lines: readonly EntryLine[]): EntryLine[] {
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
    return { account, side: line.side, amount: line.amount, explanation: line.explanation.trim() };
  });
}

/** The distinct accounts lines use, for one look-up in the ERP chart. */
export function accountsOf(lines: readonly Pick<EntryLine, "account">[]): string[] {
  return [...new Set(lines.map((line) => line.account))].sort();
}
