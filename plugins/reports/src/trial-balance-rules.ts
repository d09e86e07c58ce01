/**
 * The trial balance's arithmetic: turnovers per posted account become opening,
 * period and closing columns, optionally rolled up to synthetic accounts and
 * filtered by class. Balances are shown on their side (a debit balance in the debit
 * column), so each level's debit and credit totals are equal.
 */
import { fromBani, toBani } from "./aging.js";

export type AccountLevel = "analytic" | "synthetic";

/** Turnovers of one posted account: before the period, and within it. */
export interface AccountTurnover {
  account: string;
  before_debit: number;
  before_credit: number;
  period_debit: number;
  period_credit: number;
}

export interface TrialBalanceLine {
  account: string;
  name: string | null;
  account_class: number;
  opening_debit: number;
  opening_credit: number;
  period_debit: number;
  period_credit: number;
  closing_debit: number;
  closing_credit: number;
}

export type TrialBalanceTotals = Omit<TrialBalanceLine, "account" | "name" | "account_class">;

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
  const grouped = new Map<string, [number, number, number, number]>();
  for (const row of turnovers) {
    const account = options.level === "synthetic" ? syntheticOf(row.account) : row.account;
    if (options.accountClass !== undefined && accountClassOf(account) !== options.accountClass)
      continue;
    const sums = grouped.get(account) ?? [0, 0, 0, 0];
    sums[0] += toBani(row.before_debit);
    sums[1] += toBani(row.before_credit);
    sums[2] += toBani(row.period_debit);
    sums[3] += toBani(row.period_credit);
    grouped.set(account, sums);
  }
  const totals = [0, 0, 0, 0, 0, 0];
  const lines: TrialBalanceLine[] = [];
  for (const account of [...grouped.keys()].sort()) {
    const [beforeDebit, beforeCredit, periodDebit, periodCredit] = grouped.get(account) as [
      number,
      number,
      number,
      number,
    ];
    const opening = beforeDebit - beforeCredit;
    const closing = opening + periodDebit - periodCredit;
    const columns = [
      Math.max(opening, 0),
      Math.max(-opening, 0),
      periodDebit,
      periodCredit,
      Math.max(closing, 0),
      Math.max(-closing, 0),
    ];
    if (columns.every((value) => value === 0)) continue;
    columns.forEach((value, index) => {
      totals[index] = (totals[index] ?? 0) + value;
    });
    const [od, oc, pd, pc, cd, cc] = columns.map(fromBani) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    lines.push({
      account,
      name: options.names.get(account) ?? null,
      account_class: accountClassOf(account),
      opening_debit: od,
      opening_credit: oc,
      period_debit: pd,
      period_credit: pc,
      closing_debit: cd,
      closing_credit: cc,
    });
  }
  const [od, oc, pd, pc, cd, cc] = totals.map(fromBani) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return {
    lines,
    totals: {
      opening_debit: od,
      opening_credit: oc,
      period_debit: pd,
      period_credit: pc,
      closing_debit: cd,
      closing_credit: cc,
    },
  };
}
