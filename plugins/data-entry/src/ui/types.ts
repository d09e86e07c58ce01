/** The data-entry API's JSON shapes, as the UI reads them (see docs/plugins/data-entry.md). */

export type ReceiptStatus = "DRAFT" | "PENDING" | "APPROVED" | "REJECTED";
export const RECEIPT_STATUSES: readonly ReceiptStatus[] = [
  "DRAFT",
  "PENDING",
  "APPROVED",
  "REJECTED",
];

export type MissingField = "merchant" | "date" | "total" | "vat" | "currency";

export type WorkflowAction = "submit" | "approve" | "reject" | "reopen";

export interface Receipt {
  id: number;
  company_id: number;
  status: ReceiptStatus;
  /** Null in a DRAFT created from a photo until OCR or the user fills it. */
  merchant: string | null;
  tax_id: string | null;
  date: string | null;
  total: number | null;
  vat: number | null;
  currency: string | null;
  notes: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  rejection_reason: string | null;
  /** The fields still null (submit answers 409 while any is). */
  missing_fields: MissingField[];
  ocr_status: "pending" | "done" | "failed" | null;
  ocr_job_id: string | null;
  allowed_transitions: Array<{ action: WorkflowAction; to: ReceiptStatus }>;
  /** The BNR rate the entries of a receipt not in lei were proposed with. */
  exchange: {
    currency: string;
    rate: number;
    multiplier: number;
    rate_date: string;
    total_ron: number | null;
    vat_ron: number | null;
  } | null;
  warnings: Array<"TAX_ID_INVALID">;
}

export type BookingNotice = "TAX_ID_INVALID" | "SUPPLIER_UNKNOWN" | "NO_EXCHANGE_RATE";

export interface Attachment {
  id: string;
  receipt_id: number;
  display_name: string;
  mime: "image/jpeg" | "image/png" | "application/pdf";
  size: number;
  sha256: string;
  created_at: string;
}

export interface Transition {
  /** created; status: a move; note: the status did not change (e.g. OCR filled fields). */
  event: "created" | "status" | "note";
  from: ReceiptStatus | null;
  to: ReceiptStatus;
  by: string;
  at: string;
  reason: string | null;
  /** A note as a code and its parameters, worded here in the reader's language. */
  note: { code: string; params: Record<string, unknown> } | null;
}

export interface ReceiptDetail extends Receipt {
  history: Transition[];
  attachments: Attachment[];
  /** The ERP supplier the receipt matches (partner_id null: unknown to the ERP). */
  supplier: {
    partner_id: number | null;
    name: string | null;
    tax_id: string | null;
    account: string;
    matched_by: "tax_id" | "name" | null;
  } | null;
  notices: BookingNotice[];
  /** Dated in an accounting period the ERP has closed: it cannot be approved. */
  period_closed?: boolean;
  /** Why this user may not approve or reject it (they created or submitted it); null when they may. */
  review_blocked?: "creator" | "submitter" | null;
}

export interface ReceiptPage {
  items: Receipt[];
  total: number;
  page: number;
  page_size: number;
  pages: number;
}

export type EntrySide = "debit" | "credit";

export interface EntryLine {
  account: string;
  side: EntrySide;
  amount: number;
  explanation: string;
}

export interface EntriesBody {
  receipt_id: number;
  entries: EntryLine[];
  debit: number;
  credit: number;
  balanced: boolean;
}

/** What the OCR read; null where it found nothing (`extractFields`, docs/ocr.md). */
export interface OcrFields {
  merchant: string | null;
  tax_id: string | null;
  date: string | null;
  total: number | null;
  vat: number | null;
  currency: string | null;
  confidence?: Record<string, number>;
}

export type OcrState = "queued" | "running" | "done" | "failed";

/** What a receipt's OCR job wrote into it (`null` for a job that only suggests). */
export interface OcrApplied {
  fields: string[];
  error: string | null;
}

/** `GET /ocr/:job_id` and the `done` event's data. */
export interface OcrJob {
  job_id: string;
  attachment_id?: string;
  receipt_id?: number;
  state: OcrState;
  stage?: string;
  progress: number;
  fields?: OcrFields | null;
  applied?: OcrApplied | null;
  /** Where the text came from: `image`, `pdf_text` (no OCR), `pdf_scan`, `pdf_mixed`. */
  source?: string | null;
  error?: { code: string; message: string } | null;
}
