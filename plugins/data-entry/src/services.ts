/**
 * What `start` builds once per instance and registers in the instance's container,
 * and what route modules resolve from it, under one name so both sides agree.
 */

import path from "node:path";
import type { AuthUser, ErpClient, PluginContext } from "@roa2web/plugin-sdk";
import { canSeeCompany } from "@roa2web/plugin-sdk";
import { assertCanSeeCompany } from "./access.js";
import { AttachmentStorage } from "./attachment-storage.js";
import { UploadSlots } from "./attachment-upload-slots.js";
import type { Receipt } from "./entities.js";
import { ReceiptLockedError, ReceiptNotFoundError, UnknownCompanyError } from "./errors.js";
import { ExchangeRates } from "./exchange-rates.js";
import { Nomenclature } from "./nomenclature.js";
import { OcrPool } from "./ocr/ocr-pool.js";
import { PdfReader } from "./ocr/pdf-source.js";
import { OcrJobs } from "./ocr-jobs.js";
import { type PublishReceiptEvent, ReceiptEvents } from "./receipt-events.js";
import { ReceiptOcr } from "./receipt-ocr.js";
import { ReceiptsStore } from "./receipts-store.js";
import { type DataEntrySettings, readDataEntrySettings } from "./settings.js";
import { isEditable } from "./workflow.js";

export const SERVICES_KEY = "dataEntry";

export interface DataEntryServices {
  settings: DataEntrySettings;
  store: ReceiptsStore;
  storage: AttachmentStorage;
  /** Uploads in flight per user (DATA_ENTRY_UPLOADS_PER_USER). */
  uploadSlots: UploadSlots;
  nomenclature: Nomenclature;
  /** BNR rates from the ERP's read model, for receipts not in lei. */
  rates: ExchangeRates;
  /** OCR that writes into receipts (routes and the data-entry.receipts service). */
  receiptOcr: ReceiptOcr;
  /** Tells other plugins that a receipt was submitted, approved or rejected. */
  receiptEvents: ReceiptEvents;
  /** null when DATA_ENTRY_OCR_ENABLED is false. */
  ocr: { pool: OcrPool; jobs: OcrJobs } | null;
}

/** Builds the instance's services; the OCR pool is created here and started by `start`. */
export function createServices(context: PluginContext): DataEntryServices {
  const settings = readDataEntrySettings(context.settings, context.kernel.environment);
  let ocr: DataEntryServices["ocr"] = null;
  if (settings.ocr.enabled) {
    const pool = new OcrPool({
      size: settings.ocr.workers,
      languages: settings.ocr.languages,
      jobTimeoutMs: settings.ocr.jobTimeoutMs,
      recycleAfterJobs: settings.ocr.recycleAfterJobs,
      threadNice: settings.ocr.threadNice,
      maxBytes: settings.maxUploadBytes,
      cacheDir: path.join(context.dataDir, "ocr-cache"),
      logger: context.logger,
    });
    // PDFs: first 3 pages, images capped like photos, 30 s per file (pdf-source.ts).
    ocr = { pool, jobs: new OcrJobs(pool, { pdf: new PdfReader() }) };
  }
  const store = ReceiptsStore.of(context);
  const publish: PublishReceiptEvent = (announcement) =>
    announcement.event === "data-entry.receipt.submitted"
      ? context.events.emit(announcement.event, announcement.payload)
      : context.events.emit(announcement.event, announcement.payload);
  const storage = AttachmentStorage.of(context.dataDir);
  const services: DataEntryServices = {
    settings,
    store,
    storage,
    uploadSlots: new UploadSlots(settings.uploadsPerUser),
    nomenclature: new Nomenclature(context.erp, context.cache, settings.nomenclatureTtlMs),
    rates: new ExchangeRates(context.erp),
    receiptOcr: new ReceiptOcr({
      store,
      storage,
      // Read at each call, so whatever `services.ocr` holds now is used.
      ocr: () => services.ocr,
      timeZone: settings.timeZone,
      recordsLanguage: settings.recordsLanguage,
      logger: context.logger,
    }),
    receiptEvents: new ReceiptEvents({ publish, erp: context.erp, logger: context.logger }),
    ocr,
  };
  return services;
}

export function servicesOf(context: PluginContext): DataEntryServices {
  return context.resolve<DataEntryServices>(SERVICES_KEY);
}

/** The receipt, if the caller may see its company; otherwise it does not exist for them. */
export async function visibleReceipt(
  store: ReceiptsStore,
  user: AuthUser,
  id: number,
): Promise<Receipt> {
  const receipt = await store.find(id);
  if (!receipt || !canSeeCompany(user, receipt.companyId)) throw new ReceiptNotFoundError(id);
  return receipt;
}

export function assertEditable(receipt: Receipt): void {
  if (!isEditable(receipt.status)) throw new ReceiptLockedError(receipt.id, receipt.status);
}

export async function assertCompanyExists(erp: ErpClient, companyId: number): Promise<void> {
  const company = await erp.queryOne("SELECT id FROM companies WHERE id = :company", {
    company: companyId,
  });
  if (!company) throw new UnknownCompanyError(companyId);
}

/**
 * A company named in a request: granted to the caller (403, checked first so a user
 * learns nothing about companies they may not see), then known to the ERP (404).
 * The kernel's /api/calendar answers the same way.
 */
export async function assertCompanyUsable(
  erp: ErpClient,
  user: AuthUser,
  companyId: number,
): Promise<void> {
  assertCanSeeCompany(user, companyId);
  await assertCompanyExists(erp, companyId);
}

/**
 * The `YYYY-MM` period of `date` if the company's ERP has closed it, else null. A
 * month older than every period the ERP knows counts as closed (the books before it
 * were kept elsewhere or archived); a month after them is simply not opened yet.
 */
export async function closedPeriodOf(
  erp: ErpClient,
  companyId: number,
  date: string,
): Promise<string | null> {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  const row = await erp.queryOne<{ closed: number | null; first_month: number | null }>(
    `SELECT (SELECT MAX(closed) FROM periods
              WHERE company_id = :company AND year = :year AND month = :month) AS closed,
            (SELECT MIN(year * 12 + month) FROM periods WHERE company_id = :company) AS first_month
       FROM companies WHERE id = :company`,
    { company: companyId, year, month },
  );
  if (!row) return null;
  const period = date.slice(0, 7);
  if (row.closed !== null && row.closed !== undefined) {
    return Number(row.closed) === 1 ? period : null;
  }
  return row.first_month !== null &&
    row.first_month !== undefined &&
    year * 12 + month < Number(row.first_month)
    ? period
    : null;
}

/** The codes among `accounts` that the company's ERP chart does not have. */
export async function missingAccounts(
  erp: ErpClient,
  companyId: number,
  accounts: readonly string[],
): Promise<string[]> {
  if (accounts.length === 0) return [];
  const binds: Record<string, string | number> = { company: companyId };
  const names = accounts.map((code, index) => {
    binds[`a${index}`] = code;
    return `:a${index}`;
  });
  const rows = await erp.query<{ code: string }>(
    `SELECT code FROM accounts WHERE company_id = :company AND code IN (${names.join(", ")})`,
    binds,
  );
  const found = new Set(rows.map((row) => String(row.code)));
  return accounts.filter((code) => !found.has(code));
}
