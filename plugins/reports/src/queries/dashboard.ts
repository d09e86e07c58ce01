/**
 * Dashboard figures from the ledger: revenue (class 7 credits net of debits) and
 * expenses (class 6 debits net of credits) over the period and per month, the year-end
 * closing aside, and the
 * cash (5311*) and bank (5121*) balances at the as-of date.
 */
import type { ErpClient } from "@roa2web/plugin-sdk";
import { sqlDialect } from "../sql-dialect.js";

export interface LedgerFigures {
  revenue: number;
  expenses: number;
  cash: number;
  bank: number;
}

/**
 * The year-end closing note (`CLOSING`, 31 December) moves classes 6 and 7 into 121: it is
 * not revenue or expense of December, so the period figures leave it out.
 */
export const CLOSING_DOCUMENT = "CLOSING";
const NOT_CLOSING = `document_type <> '${CLOSING_DOCUMENT}'`;

const REVENUE = `SUM(CASE WHEN credit_account LIKE '7%' AND ${NOT_CLOSING} THEN amount ELSE 0 END)
               - SUM(CASE WHEN debit_account LIKE '7%' AND ${NOT_CLOSING} THEN amount ELSE 0 END)`;
const EXPENSES = `SUM(CASE WHEN debit_account LIKE '6%' AND ${NOT_CLOSING} THEN amount ELSE 0 END)
                - SUM(CASE WHEN credit_account LIKE '6%' AND ${NOT_CLOSING} THEN amount ELSE 0 END)`;

export async function periodTurnover(
  erp: ErpClient,
  params: { company: number; dateFrom: string; dateUntil: string },
): Promise<{ revenue: number; expenses: number }> {
  const sql = sqlDialect(erp.dialect);
  const row = await erp.queryOne<{ revenue: number | null; expenses: number | null }>(
    `SELECT ROUND(${REVENUE}, 2) AS revenue, ROUND(${EXPENSES}, 2) AS expenses
       FROM ledger_entries
      WHERE company_id = :company
        AND "date" >= ${sql.date("date_from")} AND "date" < ${sql.date("date_until")}`,
    { company: params.company, date_from: params.dateFrom, date_until: params.dateUntil },
  );
  return { revenue: Number(row?.revenue ?? 0), expenses: Number(row?.expenses ?? 0) };
}

export async function treasuryBalances(
  erp: ErpClient,
  params: { company: number; asOfUntil: string },
): Promise<{ cash: number; bank: number }> {
  const sql = sqlDialect(erp.dialect);
  const row = await erp.queryOne<{ cash: number | null; bank: number | null }>(
    `SELECT ROUND(SUM(CASE WHEN debit_account LIKE '5311%' THEN amount ELSE 0 END)
                - SUM(CASE WHEN credit_account LIKE '5311%' THEN amount ELSE 0 END), 2) AS cash,
            ROUND(SUM(CASE WHEN debit_account LIKE '5121%' THEN amount ELSE 0 END)
                - SUM(CASE WHEN credit_account LIKE '5121%' THEN amount ELSE 0 END), 2) AS bank
       FROM ledger_entries
      WHERE company_id = :company AND "date" < ${sql.date("as_of_until")}
        AND (debit_account LIKE '5311%' OR credit_account LIKE '5311%'
             OR debit_account LIKE '5121%' OR credit_account LIKE '5121%')`,
    { company: params.company, as_of_until: params.asOfUntil },
  );
  return { cash: Number(row?.cash ?? 0), bank: Number(row?.bank ?? 0) };
}

export async function monthlyTurnover(
  erp: ErpClient,
  params: { company: number; dateFrom: string; dateUntil: string },
): Promise<Array<{ month: string; revenue: number; expenses: number }>> {
  const sql = sqlDialect(erp.dialect);
  const month = sql.monthText('"date"');
  const rows = await erp.query<{ month: string; revenue: number; expenses: number }>(
    `SELECT ${month} AS month, ROUND(${REVENUE}, 2) AS revenue, ROUND(${EXPENSES}, 2) AS expenses
       FROM ledger_entries
      WHERE company_id = :company
        AND "date" >= ${sql.date("date_from")} AND "date" < ${sql.date("date_until")}
        AND (debit_account LIKE '6%' OR debit_account LIKE '7%'
             OR credit_account LIKE '6%' OR credit_account LIKE '7%')
      GROUP BY ${month}`,
    { company: params.company, date_from: params.dateFrom, date_until: params.dateUntil },
  );
  return rows.map((row) => ({
    month: String(row.month),
    revenue: Number(row.revenue),
    expenses: Number(row.expenses),
  }));
}
