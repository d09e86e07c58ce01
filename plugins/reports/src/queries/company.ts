/** Whether a company exists (with its code and name), and how many months of a range it has closed. */
import type { ErpClient } from "@roa2web/plugin-sdk";

export interface CompanyPeriodFacts {
  exists: boolean;
  closedMonths: number;
  code: string;
  name: string;
}

/** `firstMonth`/`lastMonth` as `YYYYMM` numbers. */
export async function companyPeriodFacts(
  erp: ErpClient,
  params: { company: number; firstMonth: number; lastMonth: number },
): Promise<CompanyPeriodFacts> {
  const row = await erp.queryOne<{ id: number; code: string; name: string; closed_months: number }>(
    `SELECT c.id AS id, c.code AS code, c.name AS name,
            (SELECT COUNT(*) FROM periods p
              WHERE p.company_id = c.id AND p.closed = 1
                AND p.year * 100 + p.month BETWEEN :first_month AND :last_month) AS closed_months
       FROM companies c
      WHERE c.id = :company`,
    { company: params.company, first_month: params.firstMonth, last_month: params.lastMonth },
  );
  return {
    exists: row !== undefined,
    closedMonths: Number(row?.closed_months ?? 0),
    code: String(row?.code ?? ""),
    name: String(row?.name ?? ""),
  };
}
