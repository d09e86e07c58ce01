/** Stored records → the API's snake_case JSON. */
import type { Attachment, Receipt, ReceiptEntry, ReceiptTransition } from "./entities.js";
import { balanceOf } from "./entries.js";
import { allowedTransitions } from "./workflow.js";

export function toReceiptView(receipt: Receipt) {
  return {
    id: receipt.id,
    company_id: receipt.companyId,
    status: receipt.status,
    merchant: receipt.merchant,
    tax_id: receipt.taxId,
    date: receipt.date,
    total: receipt.total,
    vat: receipt.vat,
    currency: receipt.currency,
    notes: receipt.notes,
    created_by: receipt.createdBy,
    created_at: receipt.createdAt.toISOString(),
    updated_at: receipt.updatedAt.toISOString(),
    rejection_reason: receipt.rejectionReason,
    allowed_transitions: allowedTransitions(receipt.status),
  };
}

export function toTransitionView(transition: ReceiptTransition) {
  return {
    from: transition.from,
    to: transition.to,
    by: transition.by,
    at: transition.at.toISOString(),
    reason: transition.reason,
  };
}

export function toAttachmentView(attachment: Attachment) {
  return {
    id: attachment.id,
    receipt_id: attachment.receiptId,
    display_name: attachment.displayName,
    mime: attachment.mime,
    size: attachment.size,
    sha256: attachment.sha256,
    created_at: attachment.createdAt.toISOString(),
  };
}

export function toEntriesView(receiptId: number, entries: readonly ReceiptEntry[]) {
  const balance = balanceOf(entries);
  return {
    receipt_id: receiptId,
    entries: entries.map(({ account, side, amount, explanation }) => ({
      account,
      side,
      amount,
      explanation,
    })),
    debit: balance.debit,
    credit: balance.credit,
    balanced: balance.balanced,
  };
}
