/**
 * The plugin's records and their TypeORM mappings (EntitySchema: no decorators needed),
 * for SQLite and PostgreSQL alike: a moment is `Date` (SQLite's datetime, PostgreSQL's
 * timestamp), epoch milliseconds a `bigint` read back as a number.
 */
import { bigintNumber } from "@roa2web/plugin-sdk";
import { EntitySchema, type ValueTransformer } from "typeorm";
import type { AttachmentType } from "./attachment-rules.js";
import type { EntrySide } from "./entries.js";
import type { ReceiptStatus } from "./workflow.js";

/** SQLite hands DECIMAL columns back as numbers or strings depending on the value, PostgreSQL as strings. */
const decimal: ValueTransformer = {
  to: (value: number) => value,
  from: (value: unknown) => (value === null ? null : Number(value)),
};

export interface Receipt {
  id: number;
  companyId: number;
  status: ReceiptStatus;
  /** null only in a DRAFT that waits for OCR or typing (see DraftsAwaitingOcr1764200000000). */
  merchant: string | null;
  taxId: string;
  /** YYYY-MM-DD */
  date: string | null;
  total: number | null;
  vat: number | null;
  currency: string | null;
  notes: string | null;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  rejectionReason: string | null;
  /** null: never read by OCR. */
  ocrStatus: OcrStatus | null;
  /** The last OCR job run for this receipt (jobs live in memory: it may be gone). */
  ocrJobId: string | null;
  /**
   * The BNR rate the entries were proposed with (lei for `rateMultiplier` units), and the
   * day BNR published it; null for a receipt in lei or not proposed since its date or
   * currency changed.
   */
  exchangeRate: number | null;
  rateMultiplier: number | null;
  rateDate: string | null;
  /**
   * Which kernel reads the receipt's OCR and until when (epoch ms; see the OcrClaims
   * migration). Never loaded (`select: false`): only the store's claim updates use them.
   */
  ocrClaimedBy?: string | null;
  ocrClaimExpiresMs?: number | null;
}

export type OcrStatus = "pending" | "done" | "failed";

export interface ReceiptEntry {
  id: number;
  receiptId: number;
  /** Order of the line within the receipt, from 1. */
  line: number;
  account: string;
  side: EntrySide;
  amount: number;
  explanation: string;
  /** The amount in the receipt's currency when it is not RON (the amount is then in lei). */
  currencyAmount: number | null;
}

export interface ReceiptTransition {
  id: number;
  receiptId: number;
  /** null for the creation of the receipt. */
  from: ReceiptStatus | null;
  to: ReceiptStatus;
  by: string;
  /** The kernel user id of `by`, for moves along the workflow; null for other lines and older ones. */
  byId: number | null;
  at: Date;
  reason: string | null;
  /** A line that records a note, not a move (`from` = `to`): its code, e.g. `ocr_filled`. */
  noteCode: HistoryNoteCode | null;
  /** The note's parameters (JSON), rendered by the UI in the reader's language. */
  noteParams: Record<string, unknown> | null;
}

export type HistoryNoteCode = "ocr_filled";

export interface Attachment {
  /** A uuid chosen by the server; also the stored file's name (with an extension). */
  id: string;
  receiptId: number;
  storedName: string;
  displayName: string;
  mime: AttachmentType;
  size: number;
  sha256: string;
  createdAt: Date;
}

export const ReceiptEntity = new EntitySchema<Receipt>({
  name: "Receipt",
  tableName: "receipts",
  columns: {
    id: { type: "integer", primary: true, generated: "increment" },
    companyId: { name: "company_id", type: "integer" },
    status: { type: "varchar", length: 10 },
    merchant: { type: "varchar", length: 200, nullable: true },
    taxId: { name: "tax_id", type: "varchar", length: 32 },
    date: { type: "varchar", length: 10, nullable: true },
    total: { type: "decimal", precision: 14, scale: 2, transformer: decimal, nullable: true },
    vat: { type: "decimal", precision: 14, scale: 2, transformer: decimal, nullable: true },
    currency: { type: "varchar", length: 3, nullable: true },
    notes: { type: "text", nullable: true },
    createdBy: { name: "created_by", type: "varchar", length: 100 },
    createdAt: { name: "created_at", type: Date },
    updatedAt: { name: "updated_at", type: Date },
    rejectionReason: { name: "rejection_reason", type: "text", nullable: true },
    ocrStatus: { name: "ocr_status", type: "varchar", length: 10, nullable: true },
    ocrJobId: { name: "ocr_job_id", type: "varchar", length: 36, nullable: true },
    exchangeRate: {
      name: "exchange_rate",
      type: "decimal",
      precision: 14,
      scale: 4,
      transformer: decimal,
      nullable: true,
    },
    rateMultiplier: { name: "rate_multiplier", type: "integer", nullable: true },
    rateDate: { name: "rate_date", type: "varchar", length: 10, nullable: true },
    ocrClaimedBy: {
      name: "ocr_claimed_by",
      type: "varchar",
      length: 64,
      nullable: true,
      select: false,
    },
    ocrClaimExpiresMs: {
      name: "ocr_claim_expires_ms",
      type: "bigint",
      nullable: true,
      select: false,
      transformer: bigintNumber,
    },
  },
});

export const ReceiptEntryEntity = new EntitySchema<ReceiptEntry>({
  name: "ReceiptEntry",
  tableName: "receipt_entries",
  columns: {
    id: { type: "integer", primary: true, generated: "increment" },
    receiptId: { name: "receipt_id", type: "integer" },
    line: { type: "integer" },
    account: { type: "varchar", length: 20 },
    side: { type: "varchar", length: 6 },
    amount: { type: "decimal", precision: 14, scale: 2, transformer: decimal },
    explanation: { type: "varchar", length: 300 },
    currencyAmount: {
      name: "currency_amount",
      type: "decimal",
      precision: 14,
      scale: 2,
      transformer: decimal,
      nullable: true,
    },
  },
});

export const ReceiptTransitionEntity = new EntitySchema<ReceiptTransition>({
  name: "ReceiptTransition",
  tableName: "receipt_transitions",
  columns: {
    id: { type: "integer", primary: true, generated: "increment" },
    receiptId: { name: "receipt_id", type: "integer" },
    from: { type: "varchar", length: 10, nullable: true },
    to: { type: "varchar", length: 10 },
    by: { type: "varchar", length: 100 },
    byId: { name: "by_id", type: "integer", nullable: true },
    at: { type: Date },
    reason: { type: "text", nullable: true },
    noteCode: { name: "note_code", type: "varchar", length: 40, nullable: true },
    noteParams: { name: "note_params", type: "simple-json", nullable: true },
  },
});

export const AttachmentEntity = new EntitySchema<Attachment>({
  name: "Attachment",
  tableName: "attachments",
  columns: {
    id: { type: "varchar", length: 36, primary: true },
    receiptId: { name: "receipt_id", type: "integer" },
    storedName: { name: "stored_name", type: "varchar", length: 64 },
    displayName: { name: "display_name", type: "varchar", length: 200 },
    mime: { type: "varchar", length: 40 },
    size: { type: "integer" },
    sha256: { type: "varchar", length: 64 },
    createdAt: { name: "created_at", type: Date },
  },
});

export const ENTITIES = [
  ReceiptEntity,
  ReceiptEntryEntity,
  ReceiptTransitionEntity,
  AttachmentEntity,
];
