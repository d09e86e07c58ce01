/** Turnovers per posted account before and within the period, and the chart's names. */
import type { ErpClient, Row } from "@roa2web/plugin-sdk";
import { sqlDialect } from "../sql-dialect.js";
import type { AccountTurnover } from "../trial-balance-rules.js";

export async function accountTurnovers(
  erp: ErpClient,
  params: { company: number; dateFrom: string; dateUntil: string },
): Promise<AccountTurnover[]> {
  const sql = sqlDialect(erp.dialect);
  const from = sql.date("date_from");
  // Each ledger line debits one account and credits another. One query per side,
  // grouped by that side's account: with an index on (company, account, date, amount)
  // the database sums straight from the index in account order (no table lookups, no
  // sort), which a UNION of both sides grouped together cannot do.
  const side = (column: "debit_account" | "credit_account") =>
    erp.query<{ account: string; before_sum: number; period_sum: number } & Row>(
      `SELECT ${column} AS account,
              ROUND(SUM(CASE WHEN "date" < ${from} THEN amount ELSE 0 END), 2) AS before_sum,
              ROUND(SUM(CASE WHEN "date" >= ${from} THEN amount ELSE 0 END), 2) AS period_sum
         FROM ledger_entries
        WHERE company_id = :company AND "date" < ${sql.date("date_until")}
        GROUP BY ${column}`,
      { company: params.company, date_from: params.dateFrom, date_until: params.dateUntil },
    );
  const [debits, credits] = await Promise.all([side("debit_account"), side("credit_account")]);
  const byAccount = new Map<string, AccountTurnover>();
  const entry = (account: string): AccountTurnover => {
    let found = byAccount.get(account);
    if (!found) {
      found = { account, before_debit: 0, before_credit: 0, period_debit: 0, period_credit: 0 };
      byAccount.set(account, found);
    }
    return found;
  };
  for (const row of debits) {
    const turnover = entry(String(row.account));
    turnover.before_debit = Number(row.before_sum);
    turnover.period_debit = Number(row.period_sum);
  }
  for (const row of credits) {
    const turnover = entry(String(row.account));
    turnover.before_credit = Number(row.before_sum);
    turnover.period_credit = Number(row.period_sum);
  }
  return [...byAccount.values()];
}

export async function accountNames(
  erp: ErpClient,
  params: { company: number },
): Promise<Map<string, string>> {
  const rows = await erp.query<{ code: string; name: string }>(
    "SELECT code, name FROM accounts WHERE company_id = :company",
    { company: params.company },
  );
  return new Map(rows.map((row) => [String(row.code), String(row.name)]));
}

/**
 * The same turnovers in account-code order (byte order: `401`, `401.00001`, … sort
 * before `4011`), so the export can roll the analytics of one synthetic account up as
 * they pass. A trial balance has one row per account (thousands, not the ledger's
 * millions): they are summed by the database, then ordered here.
 */
export async function* accountTurnoverRows(
  erp: ErpClient,
  params: { company: number; dateFrom: string; dateUntil: string },
): AsyncIterable<AccountTurnover & Row> {
  const turnovers = await accountTurnovers(erp, params);
  turnovers.sort((a, b) => (a.account < b.account ? -1 : a.account > b.account ? 1 : 0));
  for (const turnover of turnovers) yield turnover as AccountTurnover & Row;
}
