/**
 * What this plugin shares with other plugins: the `data-entry.receipts` service, typed
 * by augmenting the SDK's `ServiceMap`. A consumer (the Telegram bot) copies these
 * types; it never imports this package.
 */

/** Who a service call acts for: the user's grants, as the consumer knows them. */
export interface DataEntryCaller {
  companies: readonly number[] | "*";
  permissions: readonly string[];
}

export interface DraftFromImageInput {
  /** The kernel user the receipt is recorded for (its `created_by`). */
  userId: number;
  companyId: number;
  /** Shown as the attachment's name (sanitised; never used as a path). */
  fileName: string;
  /** The photo (JPEG or PNG) or a PDF (read from its text layer, or its scans by OCR). */
  bytes: Buffer;
  caller: DataEntryCaller;
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
 * Service `data-entry.receipts`. Checks that the caller has `data-entry:write` and may
 * see the company (403), that the company exists (400), and the file like an upload
 * (415 for anything but JPEG, PNG or PDF by content; 413 beyond the size limit).
 */
export interface DataEntryReceipts {
  createDraftFromImage(input: DraftFromImageInput): Promise<DraftFromImageResult>;
}

/** A user who moved a receipt: the kernel user id (null on moves older than ids) and name. */
export interface ReceiptActor {
  id: number | null;
  username: string;
}

/**
 * What every receipt event carries: the receipt as it was when the move committed.
 * Amounts are in the receipt's currency; `total_lei`/`vat_lei` in lei (the same for a
 * receipt in lei, at the BNR rate its entries were proposed with otherwise; null
 * while no rate is recorded).
 */
export interface ReceiptEvent {
  receipt_id: number;
  company_id: number;
  /** From the ERP; null if it could not be read at the time. */
  company_name: string | null;
  status: "PENDING" | "APPROVED" | "REJECTED";
  /** The document's date, YYYY-MM-DD. */
  date: string | null;
  /** The supplier: its name and tax id (CUI or VAT id) as on the receipt. */
  partner: { name: string | null; tax_id: string | null };
  amounts: {
    total: number | null;
    vat: number | null;
    currency: string | null;
    total_lei: number | null;
    vat_lei: number | null;
  };
  /** Who sent it for approval (the last time). */
  submitted_by: ReceiptActor;
  /** When the move was recorded (ISO 8601). */
  at: string;
}

/** `data-entry.receipt.submitted`: a receipt waits for approval. */
export type ReceiptSubmitted = ReceiptEvent & { status: "PENDING" };

/** `data-entry.receipt.approved` and `data-entry.receipt.rejected`: the decision. */
export type ReceiptDecision = ReceiptEvent & {
  status: "APPROVED" | "REJECTED";
  decided_by: ReceiptActor;
  /** Why it was rejected; null when approved. */
  rejection_reason: string | null;
};

declare module "@roa2web/plugin-sdk" {
  interface ServiceMap {
    "data-entry.receipts": DataEntryReceipts;
  }
  interface EventMap {
    "data-entry.receipt.submitted": ReceiptSubmitted;
    "data-entry.receipt.approved": ReceiptDecision;
    "data-entry.receipt.rejected": ReceiptDecision;
  }
}
