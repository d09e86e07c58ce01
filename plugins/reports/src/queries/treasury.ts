/** Treasury: per cash register and bank account, opening, receipts, payments; and the movements. */
import type { BindValue, ErpClient, Row } from "@roa2web/plugin-sdk";
import type { TreasuryMovement } from "@roa2web/reports-contract";
import type { PageWindow } from "../pagination.js";
import { sqlDialect } from "../sql-dialect.js";

export interface TreasuryAccountRow {
  code: string;
  name: string;
  kind: "cash" | "bank";
  opening: number;
  receipts: number;
  payments: number;
}

export async function treasuryAccounts(
  erp: ErpClient,
  params: { company: number; dateFrom: string; dateUntil: string; account?: string | undefined },
): Promise<TreasuryAccountRow[]> {
  const sql = sqlDialect(erp.dialect);
  const binds: Record<string, BindValue> = {
    company: params.company,
    date_from: params.dateFrom,
    date_until: params.dateUntil,
  };
  let accountFilter = "";
  if (params.account !== undefined) {
    accountFilter = "AND ta.code = :account";
    binds.account = params.account;
  }
  const rows = await erp.query<TreasuryAccountRow & Row>(
    `SELECT ta.code AS code, ta.name AS name, ta.kind AS kind,
            ROUND(COALESCE(SUM(CASE WHEN m."date" < ${sql.date("date_from")}
                                    THEN m.receipt - m.payment END), 0), 2) AS opening,
            ROUND(COALESCE(SUM(CASE WHEN m."date" >= ${sql.date("date_from")}
                                    THEN m.receipt END), 0), 2) AS receipts,
            ROUND(COALESCE(SUM(CASE WHEN m."date" >= ${sql.date("date_from")}
                                    THEN m.payment END), 0), 2) AS payments
       FROM treasury_accounts ta
       LEFT JOIN treasury_movements m
         ON m.company_id = ta.company_id AND m.account_code = ta.code
        AND m."date" < ${sql.date("date_until")}
      WHERE ta.company_id = :company ${accountFilter}
      GROUP BY ta.code, ta.name, ta.kind
      ORDER BY ta.code`,
    binds,
  );
  return rows.map((row) => ({
    code: String(row.code),
    name: String(row.name),
    kind: row.kind,
    opening: Number(row.opening),
    receipts: Number(row.receipts),
    payments: Number(row.payments),
  }));
}

function movementQuery(
  erp: ErpClient,
  params: { company: number; dateFrom: string; dateUntil: string; account?: string | undefined },
): { where: string; binds: Record<string, BindValue> } {
  const sql = sqlDialect(erp.dialect);
  const binds: Record<string, BindValue> = {
    company: params.company,
    date_from: params.dateFrom,
    date_until: params.dateUntil,
  };
  let accountFilter = "";
  if (params.account !== undefined) {
    accountFilter = "AND account_code = :account";
    binds.account = params.account;
  }
  const where = `WHERE company_id = :company
      AND "date" >= ${sql.date("date_from")} AND "date" < ${sql.date("date_until")}
      ${accountFilter}`;
  return { where, binds };
}

function movementRowsSql(erp: ErpClient, where: string): string {
  const sql = sqlDialect(erp.dialect);
  return `SELECT id, account_code, ${sql.dateText('"date"')} AS movement_date, document_type,
            document_number, description, partner_id, receipt, payment
       FROM treasury_movements ${where}
      ORDER BY "date", id`;
}

export function toTreasuryMovement(raw: Row): TreasuryMovement {
  return {
    id: Number(raw.id),
    account_code: String(raw.account_code),
    date: String(raw.movement_date),
    document_type: String(raw.document_type),
    document_number: String(raw.document_number),
    description: String(raw.description),
    partner_id: raw.partner_id === null ? null : Number(raw.partner_id),
    receipt: Number(raw.receipt),
    payment: Number(raw.payment),
  };
}

export async function treasuryMovementPage(
  erp: ErpClient,
  params: {
    company: number;
    dateFrom: string;
    dateUntil: string;
    account?: string | undefined;
    window: PageWindow;
  },
): Promise<{ rows: TreasuryMovement[]; total: number }> {
  const sql = sqlDialect(erp.dialect);
  const { where, binds } = movementQuery(erp, params);
  const count = await erp.queryOne<{ total: number }>(
    `SELECT COUNT(*) AS total FROM treasury_movements ${where}`,
    binds,
  );
  const rows = await erp.query<Row>(`${movementRowsSql(erp, where)}\n      ${sql.page}`, {
    ...binds,
    page_offset: params.window.offset,
    page_limit: params.window.limit,
  });
  return { total: Number(count?.total ?? 0), rows: rows.map(toTreasuryMovement) };
}

/** Every movement of the period in date order, one row at a time (exports); see `toTreasuryMovement`. */
export function treasuryMovementRows(
  erp: ErpClient,
  params: { company: number; dateFrom: string; dateUntil: string; account?: string | undefined },
): AsyncIterable<Row> {
  const { where, binds } = movementQuery(erp, params);
  return erp.stream<Row>(movementRowsSql(erp, where), binds);
}
