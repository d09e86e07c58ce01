/** Open client or supplier invoices by how long they are overdue, at the period's as-of date. */

import type { AgingParams, AgingReport } from "@roa2web/reports-contract";
import { ageOutstanding } from "../aging.js";
import { openInvoicesByDueDate } from "../queries/invoices.js";
import { assertOneOf, defineReport } from "./definition.js";
import { INVOICE_TYPES } from "./invoices.js";

/** 400 unless the type is client or supplier. */
export function checkInvoiceType(type: string): void {
  assertOneOf("type", type, INVOICE_TYPES);
}

export const agingReport = defineReport<AgingParams, undefined, AgingReport>({
  name: "aging",
  span: "period",
  filters: (params) => {
    checkInvoiceType(params.type);
    return undefined;
  },
  keyFilters: (params) => ({ partner: params.partner, type: params.type }),
  async load(erp, params, _filters, { view, asOfUntil }) {
    const rows = await openInvoicesByDueDate(erp, {
      company: params.company,
      kind: params.type,
      asOfUntil,
      partner: params.partner,
    });
    return {
      company_id: params.company,
      period: view,
      type: params.type,
      ...ageOutstanding(rows, view.as_of),
    };
  },
});
