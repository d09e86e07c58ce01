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

declare module "@roa2web/plugin-sdk" {
  interface ServiceMap {
    "data-entry.receipts": DataEntryReceipts;
  }
}
