/** The data-entry API's JSON shapes, as the UI reads them (see docs/plugins/data-entry.md). */

export type ReceiptStatus = "DRAFT" | "PENDING" | "APPROVED" | "REJECTED";
export const RECEIPT_STATUSES: readonly ReceiptStatus[] = [
  "DRAFT",
  "PENDING",
  "APPROVED",
  "REJECTED",
];

export type WorkflowAction = "submit" | "approve" | "reject" | "reopen";

export interface Receipt {
  id: number;
  company_id: number;
  status: ReceiptStatus;
  merchant: string;
  tax_id: string;
  date: string;
  total: number;
  vat: number;
  currency: string;
  notes: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  rejection_reason: string | null;
  allowed_transitions: Array<{ action: WorkflowAction; to: ReceiptStatus }>;
}

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
  from: ReceiptStatus | null;
  to: ReceiptStatus;
  by: string;
  at: string;
  reason: string | null;
}

export interface ReceiptDetail extends Receipt {
  history: Transition[];
  attachments: Attachment[];
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

/** What the OCR read; null where it found nothing. */
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

export interface OcrJob {
  job_id: string;
  attachment_id?: string;
  receipt_id?: number;
  state: OcrState;
  progress: number;
  fields?: OcrFields | null;
  error?: string | null;
}
