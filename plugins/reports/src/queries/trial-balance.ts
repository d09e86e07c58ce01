/** Turnovers per posted account before and within the period, and the chart's names. */
import type { ErpClient, Row } from "@roa2web/plugin-sdk";
import { sqlDialect } from "../sql-dialect.js";
import type { AccountTurnover } from "../trial-balance-rules.js";

function turnoversSql(erp: ErpClient): string {
  const sql = sqlDialect(erp.dialect);
  const from = sql.date("date_from");
  // Each ledger line debits one account and credits another: both sides, one pass each.
  return `SELECT account,
            ROUND(SUM(CASE WHEN entry_date < ${from} THEN debit ELSE 0 END), 2) AS before_debit,
            ROUND(SUM(CASE WHEN entry_date < ${from} THEN credit ELSE 0 END), 2) AS before_credit,
            ROUND(SUM(CASE WHEN entry_date >= ${from} THEN debit ELSE 0 END), 2) AS period_debit,
            ROUND(SUM(CASE WHEN entry_date >= ${from} THEN credit ELSE 0 END), 2) AS period_credit
       FROM (SELECT debit_account AS account, "date" AS entry_date, amount AS debit, 0 AS credit
               FROM ledger_entries
              WHERE company_id = :company AND "date" < ${sql.date("date_until")}
             UNION ALL
             SELECT credit_account AS account, "date" AS entry_date, 0 AS debit, amount AS credit
               FROM ledger_entries
              WHERE company_id = :company AND "date" < ${sql.date("date_until")}) sides
      GROUP BY account`;
}

export async function accountTurnovers(
  erp: ErpClient,
  params: { company: number; dateFrom: string; dateUntil: string },
): Promise<AccountTurnover[]> {
  const rows = await erp.query<AccountTurnover & Row>(turnoversSql(erp), {
    company: params.company,
    date_from: params.dateFrom,
    date_until: params.dateUntil,
  });
  return rows.map((row) => ({
    account: String(row.account),
    before_debit: Number(row.before_debit),
    before_credit: Number(row.before_credit),
    period_debit: Number(row.period_debit),
    period_credit: Number(row.period_credit),
  }));
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
 * The same turnovers in account-code order (byte order on both dialects), one row at a
 * time: the analytics of one synthetic account come out together (`401`, `401.00001`,
 * … sort before `4011`), so the export can roll them up as they pass.
 */
export function accountTurnoverRows(
  erp: ErpClient,
  params: { company: number; dateFrom: string; dateUntil: string },
): AsyncIterable<AccountTurnover & Row> {
  const sql = sqlDialect(erp.dialect);
  return erp.stream<AccountTurnover & Row>(
    `${turnoversSql(erp)}
      ORDER BY ${sql.byteOrder("account")}`,
    { company: params.company, date_from: params.dateFrom, date_until: params.dateUntil },
  );
}
