// The documents a company books on the last day of each month (payroll, depreciation, bank fees,
// the VAT return) and the payments they make due the following month.
import type { Books } from "./books.js";
import { type Day, dayOf } from "./calendar.js";

export interface MonthEnd {
  day: Day;
  /** "martie 2024", for explanations. */
  period: string;
  /** "03/2024", for document numbers. */
  label: string;
  /** The following month, when salaries, contributions and VAT are paid. */
  next: { year: number; month: number };
}

export type ObligationLine = readonly [debitAccount: string, cents: number, explanation: string];

/** A payment the law makes due on a fixed day: paid from the bank, all lines in one order. */
export interface Obligation {
  due: Day;
  type: "PAYROLL" | "VAT_SETTLEMENT";
  lines: readonly ObligationLine[];
}

function percent(cents: number, rate: number): number {
  return Math.round((cents * rate) / 100);
}

/**
 * Stat de salarii with the 2018+ Romanian rates: the employee pays CAS 25 %, CASS 10 % and 10 %
 * income tax out of the gross; the employer adds CAM 2.25 %. Net salaries are paid on the 10th,
 * contributions and tax on the 25th of the next month.
 */
export function postPayroll(books: Books, end: MonthEnd, gross: number): Obligation[] {
  const pension = percent(gross, 25);
  const health = percent(gross, 10);
  const incomeTax = percent(gross - pension - health, 10);
  const workInsurance = Math.round((gross * 225) / 10_000);
  const net = gross - pension - health - incomeTax;
  const { period } = end;

  const doc = books.document("PAYROLL", `STAT ${end.label}`, end.day, null, null);
  books.post(doc, "641", "421", gross, `Salarii brute ${period}`);
  books.post(doc, "421", "431", pension, `CAS 25% reținut ${period}`);
  books.post(doc, "421", "431", health, `CASS 10% reținut ${period}`);
  books.post(doc, "421", "444", incomeTax, `Impozit pe salarii 10% ${period}`);
  books.post(doc, "646", "436", workInsurance, `CAM 2,25% ${period}`);

  return [
    {
      due: dayOf(end.next.year, end.next.month, 10),
      type: "PAYROLL",
      lines: [["421", net, `Plată salarii nete ${period}`]],
    },
    {
      due: dayOf(end.next.year, end.next.month, 25),
      type: "PAYROLL",
      lines: [
        ["431", pension + health, `Plată CAS și CASS ${period}`],
        ["444", incomeTax, `Plată impozit pe salarii ${period}`],
        ["436", workInsurance, `Plată CAM ${period}`],
      ],
    },
  ];
}

/** Straight-line depreciation of the equipment until it is fully written off. */
export function postDepreciation(books: Books, end: MonthEnd, cost: number, months: number): void {
  const remaining = cost + books.balance("2813");
  const cents = Math.min(remaining, Math.round(cost / months));
  if (cents <= 0) return;
  const doc = books.document("DEPRECIATION", `AMORT ${end.label}`, end.day, null, null);
  books.post(doc, "6811", "2813", cents, `Amortizare echipamente ${end.period}`);
}

/** The bank takes its monthly commission; never more than the account holds. */
export function postBankFee(
  books: Books,
  end: MonthEnd,
  bank: string,
  fee: number,
  number: string,
): void {
  const cents = Math.min(fee, books.balance(bank));
  if (cents <= 0) return;
  const doc = books.document("BANK_FEE", number, end.day, null, "EXT");
  books.post(doc, "627", bank, cents, `Comisioane bancare ${end.period}`);
}

/**
 * Decontul de TVA (form 300): collected VAT is offset against deductible VAT, which leaves both
 * accounts at zero. A surplus is payable (4423) on the 25th, less any VAT still recoverable from
 * earlier months (4424); a deficit becomes recoverable and is carried forward.
 */
export function postVatReturn(books: Books, end: MonthEnd): Obligation[] {
  const collected = -books.balance("4427");
  const deductible = books.balance("4426");
  if (collected <= 0 && deductible <= 0) return [];
  const { period } = end;
  const doc = books.document("VAT_SETTLEMENT", `D300 ${end.label}`, end.day, null, null);
  const offset = Math.min(collected, deductible);
  if (offset > 0) books.post(doc, "4427", "4426", offset, `Regularizare TVA ${period}`);
  if (deductible > collected) {
    books.post(doc, "4424", "4426", deductible - collected, `TVA de recuperat ${period}`);
    return [];
  }
  const payable = collected - deductible;
  if (payable <= 0) return [];
  books.post(doc, "4427", "4423", payable, `TVA de plată ${period}`);
  const carried = Math.min(payable, books.balance("4424"));
  if (carried > 0)
    books.post(doc, "4423", "4424", carried, `Compensare TVA de recuperat ${period}`);
  if (payable === carried) return [];
  return [
    {
      due: dayOf(end.next.year, end.next.month, 25),
      type: "VAT_SETTLEMENT",
      lines: [["4423", payable - carried, `Plată TVA ${period}`]],
    },
  ];
}

/** The profit-or-loss account that classes 6 and 7 close into, and where its result goes next. */
export const RESULT_ACCOUNT = "121";
export const RETAINED_EARNINGS_ACCOUNT = "117";

/**
 * Year-end closing, as ROA books it on 31 December: every expense (class 6) and revenue
 * (class 7) account is closed into 121, so the new year opens them at zero and 121 holds the
 * year's result (credit = profit). The document type `CLOSING` is what lets reports keep these
 * lines out of a period's revenue and expenses.
 */
export function postYearEndClosing(books: Books, end: MonthEnd, year: number): void {
  const accounts = [...books.accounts()]
    .filter(([account, balance]) => /^[67]/.test(account) && balance !== 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (accounts.length === 0) return;
  const doc = books.document("CLOSING", `INCH ${year}`, end.day, null, null);
  for (const [account, balance] of accounts) {
    const explanation = `Închidere cont ${account} la 31.12.${year}`;
    // A debit balance is closed by a credit, a credit balance by a debit.
    if (balance > 0) books.post(doc, RESULT_ACCOUNT, account, balance, explanation);
    else books.post(doc, account, RESULT_ACCOUNT, -balance, explanation);
  }
}

/**
 * Once the shareholders approve the accounts (booked on 30 April), last year's result leaves
 * 121 for 117 "Rezultatul reportat", so 121 only ever holds one year's result.
 */
export function postResultCarriedForward(books: Books, end: MonthEnd, year: number): void {
  const balance = books.balance(RESULT_ACCOUNT);
  if (balance === 0) return;
  const doc = books.document("RESULT_CARRIED_FORWARD", `REP ${year - 1}`, end.day, null, null);
  const explanation = `Reportare rezultat exercițiu ${year - 1}`;
  if (balance > 0) books.post(doc, RETAINED_EARNINGS_ACCOUNT, RESULT_ACCOUNT, balance, explanation);
  else books.post(doc, RESULT_ACCOUNT, RETAINED_EARNINGS_ACCOUNT, -balance, explanation);
}
