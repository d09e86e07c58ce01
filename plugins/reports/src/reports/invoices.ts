/** The client or supplier invoice list: filters, sort, one page, and the totals of every page. */
import type { InvoiceItem, InvoiceList, InvoiceParams } from "@roa2web/reports-contract";
import { InvalidParameterError } from "../errors.js";
import { pageInfo, pageRequest, pageWindow } from "../pagination.js";
import { addDays, checkDate, daysBetween } from "../period.js";
import type { ResolvedReport } from "../period-resolver.js";
import {
  INVOICE_SORT_COLUMNS,
  type InvoicePageParams,
  type InvoiceRow,
  invoicePage,
} from "../queries/invoices.js";
import { sortOrder } from "../sorting.js";
import { assertOneOf, defineReport } from "./definition.js";

export const INVOICE_TYPES = ["client", "supplier"];
const INVOICE_STATUSES = ["paid", "unpaid", "overdue"];

export type InvoiceFilters = ReturnType<typeof invoiceFilters>;

/** The invoice list's filters, checked (400 naming the field) and normalised. */
export function invoiceFilters(params: InvoiceParams) {
  assertOneOf("type", params.type, INVOICE_TYPES);
  if (params.status !== undefined) assertOneOf("status", params.status, INVOICE_STATUSES);
  const order = sortOrder(
    INVOICE_SORT_COLUMNS,
    params.sort ?? "issue_date",
    params.direction ?? (params.sort === undefined ? "desc" : "asc"),
    "id",
  );
  const page = pageRequest(params.page, params.page_size);
  const issuedFrom =
    params.issued_from === undefined ? undefined : checkDate("issued_from", params.issued_from);
  const issuedTo =
    params.issued_to === undefined ? undefined : checkDate("issued_to", params.issued_to);
  const dueFrom =
    params.due_from === undefined ? undefined : checkDate("due_from", params.due_from);
  const dueTo = params.due_to === undefined ? undefined : checkDate("due_to", params.due_to);
  // A range that ends before it starts is a mistake to point out, not an empty list.
  if (issuedFrom !== undefined && issuedTo !== undefined && issuedFrom > issuedTo)
    throw new InvalidParameterError("issued_to", `must not be before issued_from (${issuedFrom})`);
  if (dueFrom !== undefined && dueTo !== undefined && dueFrom > dueTo)
    throw new InvalidParameterError("due_to", `must not be before due_from (${dueFrom})`);
  return { order, page, issuedFrom, issuedTo, dueFrom, dueTo };
}

/**
 * What the list and its export ask the ERP, for a resolved period: the filters as
 * half-open date ranges (`…Until` is the day after the last one).
 */
export function invoiceQuery(
  params: InvoiceParams,
  filters: InvoiceFilters,
  resolved: Pick<ResolvedReport, "period" | "view" | "asOfUntil">,
): Omit<InvoicePageParams, "orderBy" | "window"> {
  const dayAfter = (date: string | undefined) =>
    date === undefined ? undefined : addDays(date, 1);
  return {
    company: params.company,
    kind: params.type,
    status: params.status,
    dateFrom: resolved.period.from,
    dateUntil: resolved.period.until,
    asOf: resolved.view.as_of,
    asOfUntil: resolved.asOfUntil,
    partner: params.partner,
    issuedFrom: filters.issuedFrom,
    issuedUntil: dayAfter(filters.issuedTo),
    dueFrom: filters.dueFrom,
    dueUntil: dayAfter(filters.dueTo),
  };
}

/** One invoice as the list shows it, its overdue days counted at `asOf`. */
export function toInvoiceItem(row: Omit<InvoiceRow, "past_due">, asOf: string): InvoiceItem {
  const outstanding = Number(row.outstanding);
  const paid = Number(row.paid_amount);
  const dueDate = String(row.due_date);
  const late = outstanding > 0 ? daysBetween(dueDate, asOf) : 0;
  return {
    id: Number(row.id),
    number: String(row.invoice_number),
    partner_id: Number(row.partner_id),
    partner_name: String(row.partner_name),
    issue_date: String(row.issue_date),
    due_date: dueDate,
    total_amount: Number(row.total_amount),
    paid_amount: paid,
    outstanding,
    status: outstanding <= 0 ? "paid" : paid > 0 ? "partly_paid" : "unpaid",
    overdue: late > 0,
    days_overdue: Math.max(late, 0),
  };
}

export const invoicesReport = defineReport<InvoiceParams, InvoiceFilters, InvoiceList>({
  name: "invoices",
  span: "period",
  filters: invoiceFilters,
  keyFilters: (params, { order, page, issuedFrom, issuedTo, dueFrom, dueTo }) => ({
    direction: order.direction,
    due_from: dueFrom,
    due_to: dueTo,
    issued_from: issuedFrom,
    issued_to: issuedTo,
    page: page.page,
    page_size: page.pageSize,
    partner: params.partner,
    sort: order.key,
    status: params.status,
    type: params.type,
  }),
  async load(erp, params, filters, resolved) {
    const { view } = resolved;
    const { rows, total, totals } = await invoicePage(erp, {
      ...invoiceQuery(params, filters, resolved),
      orderBy: filters.order.sql,
      window: pageWindow(filters.page),
    });
    return {
      company_id: params.company,
      period: view,
      type: params.type,
      items: rows.map((row) => toInvoiceItem(row, view.as_of)),
      ...pageInfo(total, filters.page),
      totals,
    };
  },
});
