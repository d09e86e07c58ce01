/**
 * The trial balance's arithmetic: turnovers per posted account become the columns of
 * the usual Romanian balanță — opening balances, period turnover, total sums (opening
 * plus turnover, "Total sume") and closing balances, each debit and credit — optionally
 * rolled up to synthetic accounts and filtered by class. Balances are shown on their
 * side (a debit balance in the debit column), so each level's debit and credit totals
 * are equal.
 */
import type { AccountLevel, TrialBalanceLine, TrialBalanceTotals } from "@roa2web/reports-contract";
import { fromBani, toBani } from "./aging.js";

export type {
  AccountLevel,
  TrialBalanceLine,
  TrialBalanceTotals,
} from "@roa2web/reports-contract";

/** Turnovers of one posted account: before the period, and within it. */
export interface AccountTurnover {
  account: string;
  before_debit: number;
  before_credit: number;
  period_debit: number;
  period_credit: number;
}

/** The amount columns of a line, in the order the report, the UI and the files show them. */
export const TRIAL_BALANCE_COLUMNS = [
  "opening_debit",
  "opening_credit",
  "period_debit",
  "period_credit",
  "total_debit",
  "total_credit",
  "closing_debit",
  "closing_credit",
] as const satisfies ReadonlyArray<keyof TrialBalanceLine>;

/** `4111.00003` → `4111`, `5121.01` → `5121`; a synthetic code stays as it is. */
export function syntheticOf(account: string): string {
  const dot = account.indexOf(".");
  return dot === -1 ? account : account.slice(0, dot);
}

export function accountClassOf(account: string): number {
  return Number(account.charAt(0));
}

export function buildTrialBalance(
  turnovers: readonly AccountTurnover[],
  options: {
    level: AccountLevel;
    accountClass?: number | undefined;
    names: ReadonlyMap<string, string>;
  },
): { lines: TrialBalanceLine[]; totals: TrialBalanceTotals } {
  const grouped = new Map<string, Sums>();
  for (const row of turnovers) {
    const account = options.level === "synthetic" ? syntheticOf(row.account) : row.account;
    if (options.accountClass !== undefined && accountClassOf(account) !== options.accountClass)
      continue;
    const sums: Sums = grouped.get(account) ?? [0, 0, 0, 0];
    sums[0] += toBani(row.before_debit);
    sums[1] += toBani(row.before_credit);
    sums[2] += toBani(row.period_debit);
    sums[3] += toBani(row.period_credit);
    grouped.set(account, sums);
  }
  const totals = new Array<number>(TRIAL_BALANCE_COLUMNS.length).fill(0);
  const lines: TrialBalanceLine[] = [];
  for (const account of [...grouped.keys()].sort()) {
    const line = trialBalanceLine(account, grouped.get(account) as Sums, options.names, totals);
    if (line) lines.push(line);
  }
  return { lines, totals: totalsOf(totals) };
}

/** Turnovers in bani: before the period (debit, credit), within it (debit, credit). */
type Sums = [number, number, number, number];

/**
 * One account's line from its turnovers in bani, adding its eight columns (in bani) to
 * `totals`; undefined when every column is zero (such accounts are left out).
 */
function trialBalanceLine(
  account: string,
  [beforeDebit, beforeCredit, periodDebit, periodCredit]: Sums,
  names: ReadonlyMap<string, string>,
  totals: number[],
): TrialBalanceLine | undefined {
  const opening = beforeDebit - beforeCredit;
  const closing = opening + periodDebit - periodCredit;
  const openingDebit = Math.max(opening, 0);
  const openingCredit = Math.max(-opening, 0);
  const columns = [
    openingDebit,
    openingCredit,
    periodDebit,
    periodCredit,
    openingDebit + periodDebit,
    openingCredit + periodCredit,
    Math.max(closing, 0),
    Math.max(-closing, 0),
  ];
  if (columns.every((value) => value === 0)) return undefined;
  columns.forEach((value, index) => {
    totals[index] = (totals[index] ?? 0) + value;
  });
  return {
    account,
    name: names.get(account) ?? null,
    account_class: accountClassOf(account),
    ...columnsOf(columns),
  };
}

function columnsOf(bani: readonly number[]): TrialBalanceTotals {
  return Object.fromEntries(
    TRIAL_BALANCE_COLUMNS.map((column, index) => [column, fromBani(bani[index] ?? 0)]),
  ) as TrialBalanceTotals;
}

function totalsOf(bani: readonly number[]): TrialBalanceTotals {
  return columnsOf(bani);
}

/**
 * The trial balance built while its turnovers stream past in account-code order
 * (exports): `add` answers the line of the account it just closed, if any, `finish`
 * the last one; the lines and totals equal `buildTrialBalance`'s on the same rows.
 */
export class TrialBalanceFolder {
  readonly #level: AccountLevel;
  readonly #accountClass: number | undefined;
  readonly #names: ReadonlyMap<string, string>;
  readonly #totals = new Array<number>(TRIAL_BALANCE_COLUMNS.length).fill(0);
  #account: string | undefined;
  #sums: Sums = [0, 0, 0, 0];

  constructor(options: {
    level: AccountLevel;
    accountClass?: number | undefined;
    names: ReadonlyMap<string, string>;
  }) {
    this.#level = options.level;
    this.#accountClass = options.accountClass;
    this.#names = options.names;
  }

  add(row: AccountTurnover): TrialBalanceLine | undefined {
    const account = this.#level === "synthetic" ? syntheticOf(row.account) : row.account;
    if (this.#accountClass !== undefined && accountClassOf(account) !== this.#accountClass) {
      return undefined;
    }
    let closed: TrialBalanceLine | undefined;
    if (account !== this.#account) {
      if (this.#account !== undefined && account < this.#account) {
        throw new Error(`turnovers out of order: ${account} after ${this.#account}`);
      }
      closed = this.finish();
      this.#account = account;
    }
    this.#sums[0] += toBani(row.before_debit);
    this.#sums[1] += toBani(row.before_credit);
    this.#sums[2] += toBani(row.period_debit);
    this.#sums[3] += toBani(row.period_credit);
    return closed;
  }

  /** The line of the account being summed, if any; the folder then starts afresh. */
  finish(): TrialBalanceLine | undefined {
    if (this.#account === undefined) return undefined;
    const line = trialBalanceLine(this.#account, this.#sums, this.#names, this.#totals);
    this.#account = undefined;
    this.#sums = [0, 0, 0, 0];
    return line;
  }

  totals(): TrialBalanceTotals {
    return totalsOf(this.#totals);
  }
}
