/**
 * What `start` builds once per instance (the plugin's state, which `stop`, `health` and
 * every route module receive), and the checks routes share.
 */

import path from "node:path";
import type {
  AuthUser,
  CacheService,
  ErpClient,
  KernelInfo,
  Logger,
  PluginEvents,
  PluginSettings,
  RedisService,
} from "@roa2web/plugin-sdk";
import { assertCanSeeCompany, canSeeCompany, isPostgres } from "@roa2web/plugin-sdk";
import type { DataSource } from "typeorm";
import { DatabaseAttachmentStorage } from "./attachment-database-storage.js";
import { FileAttachmentStorage } from "./attachment-file-storage.js";
import type { AttachmentStorage } from "./attachment-storage.js";
import { UploadSlots } from "./attachment-upload-slots.js";
import type { Receipt } from "./entities.js";
import { ReceiptLockedError, ReceiptNotFoundError, UnknownCompanyError } from "./errors.js";
import { ExchangeRates } from "./exchange-rates.js";
import { Nomenclature } from "./nomenclature.js";
import { OcrPool } from "./ocr/ocr-pool.js";
import { PdfReader } from "./ocr/pdf-source.js";
import { RedisOcrJobs } from "./ocr-job-queue.js";
import { type OcrJobQueue, OcrJobs, type Recognizer } from "./ocr-jobs.js";
import { ReceiptEvents } from "./receipt-events.js";
import { ReceiptOcr } from "./receipt-ocr.js";
import { ReceiptsStore } from "./receipts-store.js";
import {
  type AttachmentSettings,
  type DataEntrySettings,
  readDataEntrySettings,
} from "./settings.js";
import { isEditable } from "./workflow.js";

export interface DataEntryState {
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
  /**
   * null when DATA_ENTRY_OCR_ENABLED is false. The jobs are in memory, or on a BullMQ
   * queue in the kernel's Redis when it has one (ADR 0032).
   */
  ocr: { pool: OcrPool; jobs: OcrJobQueue } | null;
  /** Attachments stored as files moving into the database (attachment-adoption.ts), in the background. */
  adoption?: Promise<void>;
}

/** What the state is built from: the plugin's deps and parts of its runtime. */
export interface StateSources {
  settings: PluginSettings;
  environment: KernelInfo["environment"];
  logger: Logger;
  erp: ErpClient;
  cache: CacheService;
  dataDir: string;
  database: DataSource;
  events: PluginEvents;
  /** `coreServices.redis`: OCR jobs go on a queue there when the kernel has Redis. */
  redis?: RedisService;
}

/** Builds the instance's state; the OCR pool is created here and started by `start`. */
export function createState(sources: StateSources): DataEntryState {
  const { logger, erp } = sources;
  const settings = readDataEntrySettings(sources.settings, sources.environment);
  let pool: OcrPool | null = null;
  if (settings.ocr.enabled) {
    pool = new OcrPool({
      size: settings.ocr.workers,
      languages: settings.ocr.languages,
      jobTimeoutMs: settings.ocr.jobTimeoutMs,
      recycleAfterJobs: settings.ocr.recycleAfterJobs,
      threadNice: settings.ocr.threadNice,
      maxBytes: settings.maxUploadBytes,
      cacheDir: path.join(sources.dataDir, "ocr-cache"),
      logger,
    });
  }
  const store = new ReceiptsStore(sources.database);
  const storage = openAttachmentStorage(
    settings.attachments,
    sources.dataDir,
    sources.database,
    logger,
  );
  const state: DataEntryState = {
    settings,
    store,
    storage,
    uploadSlots: new UploadSlots(settings.uploadsPerUser),
    nomenclature: new Nomenclature(erp, sources.cache, settings.nomenclatureTtlMs),
    rates: new ExchangeRates(erp),
    receiptOcr: new ReceiptOcr({
      store,
      storage,
      // Read at each call, so whatever `state.ocr` holds now is used.
      ocr: () => state.ocr,
      timeZone: settings.timeZone,
      recordsLanguage: settings.recordsLanguage,
      logger,
    }),
    receiptEvents: new ReceiptEvents({ events: sources.events, erp, logger }),
    ocr: null,
  };
  if (pool) {
    // PDFs: first 3 pages, images capped like photos, 30 s per file (pdf-source.ts).
    const pdf = new PdfReader();
    const recognizer = slowedDown(pool, settings.ocr.queue.testDelayMs);
    const hooks = state.receiptOcr.hooks;
    const connection = sources.redis?.connection ?? null;
    const queue = settings.ocr.queue;
    const jobs: OcrJobQueue = connection
      ? new RedisOcrJobs({
          url: connection.url,
          // BullMQ puts its own ":" after the prefix.
          prefix: connection.keyPrefix.replace(/:$/, ""),
          recognizer,
          pdf,
          readAttachment: (attachment) => storage.read(attachment),
          hooks,
          logger,
          concurrency: settings.ocr.workers,
          lockMs: queue.lockMs,
          stalledCheckMs: queue.stalledCheckMs,
          keepJobs: queue.keepJobs,
          keepSeconds: queue.keepSeconds,
        })
      : new OcrJobs(recognizer, { pdf, hooks });
    state.ocr = { pool, jobs };
  }
  return state;
}

/** DATA_ENTRY_OCR_TEST_DELAY_MS: each recognition starts, says so, then waits (tests only). */
function slowedDown(recognizer: Recognizer, delayMs: number): Recognizer {
  if (delayMs === 0) return recognizer;
  return {
    async recognize(image, options) {
      options.onProgress?.(0.01);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      return recognizer.recognize(image, options);
    },
  };
}

/**
 * The attachments' storage the settings choose: unset, in the database when it is
 * PostgreSQL (every kernel on it reaches the bytes), else files (ADR 0031).
 */
export function openAttachmentStorage(
  settings: AttachmentSettings,
  dataDir: string,
  database: DataSource,
  logger?: Logger,
): AttachmentStorage {
  const directory = path.resolve(dataDir, settings.directory ?? "attachments");
  const kind = settings.storage ?? (isPostgres(database) ? "database" : "files");
  return kind === "database"
    ? new DatabaseAttachmentStorage(database, directory, logger)
    : new FileAttachmentStorage(directory, logger);
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
