/** Receipt field names in the reader's language, shared by the receipt page's parts. */
import { t } from "@roa2web/ui-shell/api";
import type { ReceiptField } from "../form-rules.js";

const FIELD_KEY: Record<ReceiptField, string> = {
  merchant: "data-entry.field.merchant",
  tax_id: "data-entry.field.taxId",
  date: "data-entry.field.date",
  total: "data-entry.field.total",
  vat: "data-entry.field.vat",
  currency: "data-entry.field.currency",
  notes: "data-entry.field.notes",
};

/** "Furnizor" for `merchant`; a field this UI does not know keeps its name. */
export function fieldLabel(field: string): string {
  return field in FIELD_KEY ? t(FIELD_KEY[field as ReceiptField]) : field;
}

/** "Furnizor, Total": a list of fields, as the banners and the workflow name them. */
export function fieldLabels(fields: readonly string[]): string {
  return fields.map(fieldLabel).join(", ");
}
