/** Whether a company exists, and how many months of a range it has closed. */
import type { ErpClient } from "@roa2web/plugin-sdk";

export interface CompanyPeriodFacts {
  exists: boolean;
  closedMonths: number;
}

/** `firstMonth`/`lastMonth` as `YYYYMM` numbers. */
export async function companyPeriodFacts(
  erp: ErpClient,
  params: { company: number; firstMonth: number; lastMonth: number },
): Promise<CompanyPeriodFacts> {
  const row = await erp.queryOne<{ id: number; closed_months: number }>(
    `SELECT c.id AS id,
            (SELECT COUNT(*) FROM periods p
              WHERE p.company_id = c.id AND p.closed = 1
                AND p.year * 100 + p.month BETWEEN :first_month AND :last_month) AS closed_months
       FROM companies c
      WHERE c.id = :company`,
    { company: params.company, first_month: params.firstMonth, last_month: params.lastMonth },
  );
  return { exists: row !== undefined, closedMonths: Number(row?.closed_months ?? 0) };
}
