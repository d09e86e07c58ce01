/** Stored records → the API's snake_case JSON. */

import { BOOKS_CURRENCY } from "./currencies.js";
import type { Attachment, Receipt, ReceiptEntry, ReceiptTransition } from "./entities.js";
import { balanceOf } from "./entries.js";
import { toLei } from "./exchange-rates.js";
import type { OcrJob } from "./ocr-jobs.js";
import { missingFields } from "./receipt-rules.js";
import type { ReceiptView, TransitionView } from "./schemas.js";
import { taxIdNeedsAttention } from "./tax-ids.js";
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
    missing_fields: missingFields(receipt),
    ocr_status: receipt.ocrStatus,
    ocr_job_id: receipt.ocrJobId,
    allowed_transitions: allowedTransitions(receipt.status),
    exchange: exchangeView(receipt),
    warnings: receiptWarnings(receipt),
  };
}

/** The rate a foreign-currency receipt's entries were proposed with, and its amounts in lei. */
function exchangeView(receipt: Receipt) {
  const { exchangeRate: rate, rateMultiplier: multiplier, rateDate } = receipt;
  if (rate === null || multiplier === null || rateDate === null) return null;
  if (receipt.currency === null || receipt.currency === BOOKS_CURRENCY) return null;
  const lei = (amount: number | null) =>
    amount === null ? null : toLei(amount, { rate, multiplier });
  return {
    currency: receipt.currency,
    rate,
    multiplier,
    rate_date: rateDate,
    total_ron: lei(receipt.total),
    vat_ron: lei(receipt.vat),
  };
}

/** What needs the user's eye and can be told from the receipt alone (OCR fills without refusing). */
export function receiptWarnings(receipt: Pick<Receipt, "taxId">): ReceiptView["warnings"] {
  return taxIdNeedsAttention(receipt.taxId) ? ["TAX_ID_INVALID"] : [];
}

/**
 * One history line. `event` says what it records, so a reader never shows a note as a
 * move from a status to the same status; a note comes as a code and its parameters
 * (`note`), which the UI words in the reader's language.
 */
export function toTransitionView(transition: ReceiptTransition): TransitionView {
  const event =
    transition.from === null ? "created" : transition.from === transition.to ? "note" : "status";
  return {
    event,
    from: transition.from,
    to: transition.to,
    by: transition.by,
    at: transition.at.toISOString(),
    reason: transition.reason,
    note: transition.noteCode
      ? { code: transition.noteCode, params: transition.noteParams ?? {} }
      : null,
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
    entries: entries.map(({ account, side, amount, explanation, currencyAmount }) => ({
      account,
      side,
      amount,
      explanation,
      currency_amount: currencyAmount,
    })),
    debit: balance.debit,
    credit: balance.credit,
    balanced: balance.balanced,
  };
}

export function toOcrJobView(job: OcrJob) {
  return {
    job_id: job.id,
    attachment_id: job.attachmentId,
    receipt_id: job.receiptId,
    state: job.state,
    stage: job.stage,
    progress: job.progress,
    // The result shape: the extracted fields with the text they came from.
    fields: job.fields && { ...job.fields, text: job.text ?? "" },
    source: job.source,
    applied: job.applied,
    error: job.error,
  };
}

/** The server-sent event that tells a job's news: `progress`, then `done` or `failed`. */
export function ocrJobEvent(job: OcrJob): { event: "progress" | "done" | "failed"; data: object } {
  if (job.state === "done") return { event: "done", data: toOcrJobView(job) };
  if (job.state === "failed")
    return { event: "failed", data: { job_id: job.id, error: job.error } };
  return {
    event: "progress",
    data: { job_id: job.id, status: job.state, progress: job.progress, stage: job.stage },
  };
}
