/**
 * @roa2web/data-entry-contract — what the data-entry plugin shares with other plugins:
 * the `data-entry.receipts` service and the receipt workflow events. Types and
 * references only; a breaking change is a new major version (ADR 0015).
 */
import { createEventRef, createServiceRef } from "@roa2web/plugin-sdk";

export interface DraftFromImageInput {
  companyId: number;
  /** Shown as the attachment's name (sanitised; never used as a path). */
  fileName: string;
  /** The photo (JPEG or PNG) or a PDF (read from its text layer, or its scans by OCR). */
  bytes: Buffer;
}

/** What OCR read from the photo (and `applied`: which receipt fields it filled). */
export interface OcrReading {
  merchant: string | null;
  date: string | null;
  total: number | null;
  vat: number | null;
  currency: string | null;
  /** 0..1: the mean confidence of merchant, date and total. */
  confidence: number;
  tax_id: string | null;
  /** The receipt fields written, by their API names (`merchant`, `total`, …). */
  applied: string[];
}

export interface DraftFromImageResult {
  receipt: { id: number; status: string; company_id: number; ocr_job_id: string | null };
  /**
   * Resolves once OCR has read the photo and filled the receipt's empty fields; null
   * when OCR is switched off, or OCR failed (a PDF that cannot be read). Never rejects.
   */
  ocr: Promise<OcrReading | null>;
}

/**
 * Service `data-entry.receipts`, called for a signed-in user (`handle.for(user)`): the
 * receipt is recorded as theirs. Checks `data-entry:write` and the company grant (403),
 * that the company exists (400), and the file like an upload (415 for anything but
 * JPEG, PNG or PDF by content; 413 beyond the size limit).
 */
export interface DataEntryReceipts {
  createDraftFromImage(input: DraftFromImageInput): Promise<DraftFromImageResult>;
}

export const dataEntryReceipts = createServiceRef<DataEntryReceipts>({
  id: "data-entry.receipts",
  version: "1.0.0",
});

/** A person in the receipt workflow, as the kernel knows them. */
export interface ReceiptPerson {
  /**
   * The kernel user id. Null only for a submitter recorded before data-entry kept user
   * ids in a receipt's history (submitted before migration TransitionUserIds1765100000000).
   */
  userId: number | null;
  /** Display name where the event knows it (the user acting now), else the user name. */
  name: string;
}

/** What every receipt event carries. */
export interface ReceiptEvent {
  receiptId: number;
  companyId: number;
  /** The company's name in the ERP, when known. */
  companyName: string | null;
  /** Who sent the receipt for approval (the last time). */
  submittedBy: ReceiptPerson;
  /** The receipt's document number (receipts have none yet: null) and date (`YYYY-MM-DD`). */
  documentNumber: string | null;
  documentDate: string | null;
  /** The merchant / partner name. */
  partner: string | null;
  amounts: {
    /** In the receipt's currency. */
    total: number;
    vat: number | null;
    /** ISO 4217: `RON`, `EUR`… */
    currency: string;
    /** The total in lei (equal to `total` for RON); null when no exchange rate is known. */
    totalLei: number | null;
  };
}

/** Sent when a receipt is submitted for approval. */
export type ReceiptSubmitted = ReceiptEvent;

/** Sent when an approver approves a receipt (it is then booked in the ERP). */
export interface ReceiptApproved extends ReceiptEvent {
  decidedBy: ReceiptPerson;
}

/** Sent when an approver rejects a receipt (the submitter may fix and resubmit it). */
export interface ReceiptRejected extends ReceiptEvent {
  decidedBy: ReceiptPerson;
  reason: string;
}

export const receiptSubmitted = createEventRef<ReceiptSubmitted>({
  id: "data-entry.receipt.submitted",
  version: "1.0.0",
});
export const receiptApproved = createEventRef<ReceiptApproved>({
  id: "data-entry.receipt.approved",
  version: "1.0.0",
});
export const receiptRejected = createEventRef<ReceiptRejected>({
  id: "data-entry.receipt.rejected",
  version: "1.0.0",
});

/** The permission that makes a user an approver of a company's receipts. */
export const APPROVE_PERMISSION = "data-entry:approve";
