/**
 * The data-entry plugin's `data-entry.receipts` service as this bot uses it, copied
 * from its contract (a plugin never imports another plugin's code). Looked up at
 * call time: absent while data-entry is disabled.
 */
export const RECEIPTS_SERVICE = "data-entry.receipts";

/** What OCR read from a receipt; null for a field it could not read. */
export interface OcrFields {
  merchant: string | null;
  /** YYYY-MM-DD */
  date: string | null;
  total: number | null;
  vat: number | null;
  currency: string | null;
  /** 0–1 */
  confidence: number;
}

export interface DraftFromImageInput {
  userId: number;
  companyId: number;
  fileName: string;
  bytes: Buffer;
  /** Whose rights the draft is created with: the service checks them again. */
  caller: { companies: readonly number[] | "*"; permissions: readonly string[] };
}

export interface DataEntryReceipts {
  /**
   * Stores the image as a DRAFT receipt of the company and starts OCR on it. `ocr`
   * settles when OCR ends: the fields read, or null when it could not read them.
   */
  createDraftFromImage(input: DraftFromImageInput): Promise<{
    receipt: { id: number; status: string };
    ocr: Promise<OcrFields | null>;
  }>;
}
