/**
 * The data-entry receipt events as this bot reads them. Temporary: the same shapes as
 * `@roa2web/data-entry-contract`, which replaces this file once it is on main.
 */

/** A person in the receipt workflow, as the kernel knows them. */
export interface ReceiptPerson {
  userId: number;
  /** Display name (falls back to the user name). */
  name: string;
}

/** What every receipt event carries. */
export interface ReceiptEvent {
  receiptId: number;
  companyId: number;
  companyName: string | null;
  submittedBy: ReceiptPerson;
  documentNumber: string | null;
  documentDate: string | null;
  partner: string | null;
  amounts: {
    total: number;
    vat: number | null;
    currency: string;
    totalLei: number | null;
  };
}

export type ReceiptSubmitted = ReceiptEvent;

export interface ReceiptApproved extends ReceiptEvent {
  decidedBy: ReceiptPerson;
}

export interface ReceiptRejected extends ReceiptEvent {
  decidedBy: ReceiptPerson;
  reason: string;
}

export const RECEIPT_SUBMITTED = "data-entry.receipt.submitted";
export const RECEIPT_APPROVED = "data-entry.receipt.approved";
export const RECEIPT_REJECTED = "data-entry.receipt.rejected";

/** The permission that makes a user an approver of a company's receipts. */
export const APPROVE_PERMISSION = "data-entry:approve";
