/**
 * Invoice queries: open amounts by due date (for aging, receivables and payables) and
 * one page of an invoice list. Amounts paid are summed from payments up to the as-of
 * date, so a past period shows what was open then.
 */
import type { Binds, BindValue, ErpClient, Row } from "@roa2web/plugin-sdk";
import type { InvoiceStatusFilter, InvoiceType } from "@roa2web/reports-contract";
import type { OpenByDueDate } from "../aging.js";
import type { PageWindow } from "../pagination.js";
import { type SqlDialect, sqlDialect } from "../sql-dialect.js";

/** Payments per invoice up to the as-of date (binds `company`, `as_of_until`). */
function paidCte(sql: SqlDialect): string {
  return `paid AS (
    SELECT invoice_id, SUM(amount) AS amount
      FROM payments
     WHERE company_id = :company AND "date" < ${sql.date("as_of_until")}
     GROUP BY invoice_id)`;
}

export async function openInvoicesByDueDate(
  erp: ErpClient,
  params: { company: number; kind: InvoiceType; asOfUntil: string; partner?: number | undefined },
): Promise<OpenByDueDate[]> {
  const sql = sqlDialect(erp.dialect);
  const binds: Record<string, BindValue> = {
    company: params.company,
    kind: params.kind,
    as_of_until: params.asOfUntil,
  };
  let partnerFilter = "";
  if (params.partner !== undefined) {
    partnerFilter = "AND i.partner_id = :partner";
    binds.partner = params.partner;
  }
  const rows = await erp.query<{ due_date: string; invoices: number; outstanding: number }>(
    `WITH ${paidCte(sql)}
     SELECT ${sql.dateText("i.due_date")} AS due_date,
            COUNT(*) AS invoices,
            ROUND(SUM(i.total_amount - COALESCE(paid.amount, 0)), 2) AS outstanding
       FROM invoices i
       LEFT JOIN paid ON paid.invoice_id = i.id
      WHERE i.company_id = :company AND i.kind = :kind
        AND i.issue_date < ${sql.date("as_of_until")}
        AND i.total_amount - COALESCE(paid.amount, 0) > 0.005
        ${partnerFilter}
      GROUP BY i.due_date`,
    binds,
  );
  return rows.map((row) => ({
    due_date: String(row.due_date),
    invoices: Number(row.invoices),
    outstanding: Number(row.outstanding),
  }));
}

export interface InvoicePageParams {
  company: number;
  kind: InvoiceType;
  status?: InvoiceStatusFilter | undefined;
  /** The period, for lists not restricted to open invoices. */
  dateFrom: string;
  dateUntil: string;
  asOf: string;
  asOfUntil: string;
  partner?: number | undefined;
  issuedFrom?: string | undefined;
  issuedUntil?: string | undefined;
  dueFrom?: string | undefined;
  dueUntil?: string | undefined;
  /** A whitelisted ORDER BY list (see `INVOICE_SORT_COLUMNS`). */
  orderBy: string;
  window: PageWindow;
}

export interface InvoiceRow {
  id: number;
  invoice_number: string;
  partner_id: number;
  partner_name: string;
  issue_date: string;
  due_date: string;
  total_amount: number;
  paid_amount: number;
  outstanding: number;
  past_due: number;
}

/** Public sort names → columns of the `listed` CTE. */
export const INVOICE_SORT_COLUMNS = {
  issue_date: "issue_date",
  due_date: "due_date",
  number: "invoice_number",
  partner: "partner_name",
  total: "total_amount",
  outstanding: "outstanding",
} as const;

/** The `listed` CTE, its binds and the status filter over it: shared by the page, the summary and the export. */
function invoiceListQuery(
  erp: ErpClient,
  params: Omit<InvoicePageParams, "orderBy" | "window">,
): { listed: string; binds: Record<string, BindValue>; statusFilter: string } {
  const sql = sqlDialect(erp.dialect);
  const binds: Record<string, BindValue> = {
    company: params.company,
    kind: params.kind,
    as_of: params.asOf,
    as_of_until: params.asOfUntil,
  };
  const where: string[] = [];
  if (params.status === "unpaid" || params.status === "overdue") {
    // Open at the as-of date, whenever issued: the receivables (payables) list.
    where.push(`i.issue_date < ${sql.date("as_of_until")}`);
  } else {
    where.push(
      `i.issue_date >= ${sql.date("date_from")}`,
      `i.issue_date < ${sql.date("date_until")}`,
    );
    binds.date_from = params.dateFrom;
    binds.date_until = params.dateUntil;
  }
  if (params.partner !== undefined) {
    where.push("i.partner_id = :partner");
    binds.partner = params.partner;
  }
  if (params.issuedFrom !== undefined) {
    where.push(`i.issue_date >= ${sql.date("issued_from")}`);
    binds.issued_from = params.issuedFrom;
  }
  if (params.dueFrom !== undefined) {
    where.push(`i.due_date >= ${sql.date("due_from")}`);
    binds.due_from = params.dueFrom;
  }
  if (params.dueUntil !== undefined) {
    where.push(`i.due_date < ${sql.date("due_until")}`);
    binds.due_until = params.dueUntil;
  }
  if (params.issuedUntil !== undefined) {
    where.push(`i.issue_date < ${sql.date("issued_until")}`);
    binds.issued_until = params.issuedUntil;
  }
  const statusFilter =
    params.status === "paid"
      ? "WHERE outstanding <= 0"
      : params.status === "unpaid"
        ? "WHERE outstanding > 0"
        : params.status === "overdue"
          ? "WHERE outstanding > 0 AND past_due = 1"
          : "";
  const listed = `WITH ${paidCte(sql)},
    listed AS (
      SELECT i.id AS id, i."number" AS invoice_number, i.partner_id AS partner_id,
             p.name AS partner_name,
             ${sql.dateText("i.issue_date")} AS issue_date,
             ${sql.dateText("i.due_date")} AS due_date,
             i.total_amount AS total_amount,
             ROUND(COALESCE(paid.amount, 0), 2) AS paid_amount,
             ROUND(i.total_amount - COALESCE(paid.amount, 0), 2) AS outstanding,
             CASE WHEN i.due_date < ${sql.date("as_of")} THEN 1 ELSE 0 END AS past_due
        FROM invoices i
        JOIN partners p ON p.id = i.partner_id
        LEFT JOIN paid ON paid.invoice_id = i.id
       WHERE i.company_id = :company AND i.kind = :kind AND ${where.join(" AND ")})`;
  return { listed, binds, statusFilter };
}

export interface InvoiceSummary {
  total: number;
  totals: { total_amount: number; paid_amount: number; outstanding: number };
}

/** How many invoices match, and their sums (every page). */
export async function invoiceSummary(
  erp: ErpClient,
  params: Omit<InvoicePageParams, "orderBy" | "window">,
): Promise<InvoiceSummary> {
  const { listed, binds, statusFilter } = invoiceListQuery(erp, params);
  const summary = await erp.queryOne<{
    total: number;
    total_amount: number | null;
    paid_amount: number | null;
    outstanding: number | null;
  }>(
    `${listed}
     SELECT COUNT(*) AS total, ROUND(SUM(total_amount), 2) AS total_amount,
            ROUND(SUM(paid_amount), 2) AS paid_amount, ROUND(SUM(outstanding), 2) AS outstanding
       FROM listed ${statusFilter}`,
    binds,
  );
  return {
    total: Number(summary?.total ?? 0),
    totals: {
      total_amount: Number(summary?.total_amount ?? 0),
      paid_amount: Number(summary?.paid_amount ?? 0),
      outstanding: Number(summary?.outstanding ?? 0),
    },
  };
}

function invoiceRowsSql(listed: string, statusFilter: string, orderBy: string): string {
  return `${listed}
     SELECT id, invoice_number, partner_id, partner_name, issue_date, due_date,
            total_amount, paid_amount, outstanding, past_due
       FROM listed ${statusFilter}
      ORDER BY ${orderBy}`;
}

export async function invoicePage(
  erp: ErpClient,
  params: InvoicePageParams,
): Promise<{ rows: InvoiceRow[] } & InvoiceSummary> {
  const sql = sqlDialect(erp.dialect);
  const { listed, binds, statusFilter } = invoiceListQuery(erp, params);
  const [summary, rows] = await Promise.all([
    invoiceSummary(erp, params),
    erp.query<InvoiceRow & Row>(
      `${invoiceRowsSql(listed, statusFilter, params.orderBy)}
      ${sql.page}`,
      { ...binds, page_offset: params.window.offset, page_limit: params.window.limit } as Binds,
    ),
  ]);
  return { rows, ...summary };
}

/** Every matching invoice in the list's order, one row at a time (exports). */
export function invoiceRows(
  erp: ErpClient,
  params: Omit<InvoicePageParams, "window">,
): AsyncIterable<InvoiceRow> {
  const { listed, binds, statusFilter } = invoiceListQuery(erp, params);
  return erp.stream<InvoiceRow & Row>(invoiceRowsSql(listed, statusFilter, params.orderBy), binds);
}

export type OpenByPartner = OpenByDueDate & { partner_id: number; partner_name: string };

/**
 * Open amounts at the as-of date per partner and due date, ordered by partner (the
 * aging export folds consecutive rows of one partner into one line).
 */
export function openInvoicesByPartner(
  erp: ErpClient,
  params: { company: number; kind: InvoiceType; asOfUntil: string; partner?: number | undefined },
): AsyncIterable<OpenByPartner> {
  const sql = sqlDialect(erp.dialect);
  const binds: Record<string, BindValue> = {
    company: params.company,
    kind: params.kind,
    as_of_until: params.asOfUntil,
  };
  let partnerFilter = "";
  if (params.partner !== undefined) {
    partnerFilter = "AND i.partner_id = :partner";
    binds.partner = params.partner;
  }
  return erp.stream<OpenByPartner & Row>(
    `WITH ${paidCte(sql)}
     SELECT i.partner_id AS partner_id, p.name AS partner_name,
            ${sql.dateText("i.due_date")} AS due_date,
            COUNT(*) AS invoices,
            ROUND(SUM(i.total_amount - COALESCE(paid.amount, 0)), 2) AS outstanding
       FROM invoices i
       JOIN partners p ON p.id = i.partner_id
       LEFT JOIN paid ON paid.invoice_id = i.id
      WHERE i.company_id = :company AND i.kind = :kind
        AND i.issue_date < ${sql.date("as_of_until")}
        AND i.total_amount - COALESCE(paid.amount, 0) > 0.005
        ${partnerFilter}
      GROUP BY i.partner_id, p.name, i.due_date
      ORDER BY p.name, i.partner_id, i.due_date`,
    binds,
  );
}
