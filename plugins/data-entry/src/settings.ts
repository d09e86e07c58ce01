/** The plugin's settings: environment variables under its namespace (DATA_ENTRY_*). */
import os from "node:os";
import {
  booleanSetting,
  choiceSetting,
  DEFAULT_PAGE_SIZE,
  durationSetting,
  integerSetting,
  type KernelInfo,
  MAX_PAGE_SIZE,
  type PluginSettings,
  ValidationError,
} from "@roa2web/plugin-sdk";
import type { AttachmentStorageKind } from "./attachment-storage.js";
import type { PaymentMethod, ProposalAccounts, RecordsLanguage } from "./entries.js";
import { PAYMENT_METHODS, RECORDS_LANGUAGES } from "./entries.js";
import { DEFAULT_VAT_SCHEDULE, parseVatSchedule, type VatPeriod } from "./nomenclature-rules.js";
import { OCR_LANGUAGES, type OcrLanguage } from "./ocr/language-data.js";
import { MAX_THREAD_NICE } from "./ocr/thread-priority.js";

export const DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

export interface DataEntrySettings {
  /** DATA_ENTRY_MAX_UPLOAD_BYTES: the largest attachment accepted (413 beyond it). */
  maxUploadBytes: number;
  /** DATA_ENTRY_MAX_ATTACHMENTS: attachments one receipt may have (default 20; 409 beyond). */
  maxAttachmentsPerReceipt: number;
  attachments: AttachmentSettings;
  /** DATA_ENTRY_UPLOADS_PER_USER: uploads one user may have in flight at once (default 2; 429 beyond). */
  uploadsPerUser: number;
  /**
   * DATA_ENTRY_APPROVER_NOT_CREATOR: whoever created or submitted a receipt may not
   * approve or reject it (segregation of duties). Default on in production, off elsewhere.
   */
  approverNotCreator: boolean;
  /** DATA_ENTRY_DEFAULT_PAGE_SIZE */
  defaultPageSize: number;
  /** DATA_ENTRY_TIME_ZONE: where "today" is, for "not in the future". */
  timeZone: string;
  /** DATA_ENTRY_EXPENSE_ACCOUNT, _VAT_ACCOUNT, _SUPPLIER_ACCOUNT, _CASH_ACCOUNT, _FOREIGN_VAT_ACCOUNT */
  accounts: ProposalAccounts;
  /**
   * DATA_ENTRY_RECORDS_LANGUAGE: `ro` (default) or `en`, the language of texts stored
   * in records (entry explanations, history notes): the company's, not the reader's.
   */
  recordsLanguage: RecordsLanguage;
  /** DATA_ENTRY_DEFAULT_PAYMENT: `supplier` (401) or `cash` (5311) when a proposal does not say. */
  defaultPayment: PaymentMethod;
  /** DATA_ENTRY_NOMENCLATURE_TTL_MS: how long accounts and partners stay cached (default 10 min). */
  nomenclatureTtlMs: number;
  /** DATA_ENTRY_VAT_RATES: `19,9,5;2025-08-01:21,11,0` (the ERP has no VAT-rate table). */
  vatSchedule: VatPeriod[];
  ocr: OcrSettings;
}

export type { RecordsLanguage };

/** Where attachments' bytes live (ADR 0031). */
export interface AttachmentSettings {
  /**
   * DATA_ENTRY_ATTACHMENTS: `files` or `database`; unset (null), `database` when the
   * plugin's database is PostgreSQL (every kernel reaches it), `files` on SQLite.
   */
  storage: AttachmentStorageKind | null;
  /**
   * DATA_ENTRY_ATTACHMENTS_DIR: the folder of `files` (and where uploads are staged
   * while verified), absolute or relative to the plugin's data folder
   * (DATA_DIR/plugins/data-entry); unset (null), its `attachments` folder. Several kernels may share one (a shared
   * volume) when they share the database too.
   */
  directory: string | null;
}

const ATTACHMENT_STORAGES: readonly AttachmentStorageKind[] = ["files", "database"];

export interface OcrSettings {
  /** DATA_ENTRY_OCR_ENABLED: start the OCR worker pool (default true). */
  enabled: boolean;
  /** DATA_ENTRY_OCR_WORKERS: worker threads, one core each (default cores − 1, at least 1). */
  workers: number;
  /**
   * DATA_ENTRY_OCR_LANGUAGES: comma-separated, from deu, eng, ron (default ron,deu,eng:
   * Romanian receipts, and German ones read as well as with deu alone; docs/ocr.md).
   */
  languages: OcrLanguage[];
  /** DATA_ENTRY_OCR_JOB_TIMEOUT_MS (default 60000). */
  jobTimeoutMs: number;
  /** DATA_ENTRY_OCR_RECYCLE_AFTER: jobs a worker runs before it is replaced (default 50; the WASM heap only grows). */
  recycleAfterJobs: number;
  /** DATA_ENTRY_OCR_NICE: nice value of the worker threads, 0–19 (default 10; 0 = off; Linux only). */
  threadNice: number;
  /** The BullMQ queue, used when the kernel has Redis (ADR 0032). */
  queue: OcrQueueSettings;
}

export interface OcrQueueSettings {
  /**
   * DATA_ENTRY_OCR_LOCK_MS (default 10000): how long a kernel's hold on a running job lasts
   * unless renewed (every half of it). A job whose kernel died is taken up by another once
   * it lapses, at the next stalled check: lower is a quicker takeover, but a kernel whose
   * event loop stalls longer than this loses a job it is still running (read twice).
   */
  lockMs: number;
  /** DATA_ENTRY_OCR_STALLED_CHECK_MS (default 5000): how often each kernel looks for such jobs. */
  stalledCheckMs: number;
  /** DATA_ENTRY_OCR_KEEP_JOBS (default 1000): finished jobs kept in Redis, the oldest removed first. */
  keepJobs: number;
  /** DATA_ENTRY_OCR_KEEP_SECONDS (default 86400): finished jobs older than this are removed. */
  keepSeconds: number;
  /**
   * DATA_ENTRY_OCR_TEST_DELAY_MS (default 0; refused in production): each recognition
   * waits this long after it starts, so a test can kill a kernel mid-job.
   */
  testDelayMs: number;
}

const ACCOUNT_PATTERN = /^\d{3,4}(\.[0-9A-Za-z]+)?$/;

function wholeNumber(settings: PluginSettings, key: string, fallback: number, max: number): number {
  return integerSetting(settings, key, { default: fallback, min: 1, max });
}

function account(settings: PluginSettings, key: string, fallback: string): string {
  const value = settings.string(key, fallback);
  if (!ACCOUNT_PATTERN.test(value)) {
    throw new ValidationError(
      `Setting ${settings.prefix}${key} must be an account code such as ${fallback} (got "${value}")`,
    );
  }
  return value;
}

export function readDataEntrySettings(
  settings: PluginSettings,
  environment: KernelInfo["environment"] = "development",
): DataEntrySettings {
  const timeZone = settings.string("TIME_ZONE", "Europe/Bucharest");
  try {
    new Intl.DateTimeFormat("en-CA", { timeZone });
  } catch {
    throw new ValidationError(
      `Setting ${settings.prefix}TIME_ZONE must be an IANA time zone such as Europe/Bucharest (got "${timeZone}")`,
    );
  }
  const defaultPayment = choiceSetting(settings, "DEFAULT_PAYMENT", PAYMENT_METHODS, "supplier");
  return {
    maxUploadBytes: wholeNumber(settings, "MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES, 2 ** 31),
    maxAttachmentsPerReceipt: wholeNumber(settings, "MAX_ATTACHMENTS", 20, 1000),
    attachments: {
      storage: settings.optionalString("ATTACHMENTS")?.trim()
        ? choiceSetting(settings, "ATTACHMENTS", ATTACHMENT_STORAGES, "files")
        : null,
      directory: settings.optionalString("ATTACHMENTS_DIR")?.trim() || null,
    },
    uploadsPerUser: wholeNumber(settings, "UPLOADS_PER_USER", 2, 100),
    approverNotCreator: booleanSetting(
      settings,
      "APPROVER_NOT_CREATOR",
      environment === "production",
    ),
    defaultPageSize: wholeNumber(settings, "DEFAULT_PAGE_SIZE", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
    timeZone,
    accounts: {
      expense: account(settings, "EXPENSE_ACCOUNT", "6022"),
      vat: account(settings, "VAT_ACCOUNT", "4426"),
      supplier: account(settings, "SUPPLIER_ACCOUNT", "401"),
      cash: account(settings, "CASH_ACCOUNT", "5311"),
      // Empty (the default): VAT paid abroad stays in the expense.
      foreignVat:
        settings.string("FOREIGN_VAT_ACCOUNT", "") === ""
          ? null
          : account(settings, "FOREIGN_VAT_ACCOUNT", "635"),
    },
    recordsLanguage: readRecordsLanguage(settings),
    defaultPayment,
    nomenclatureTtlMs: durationSetting(settings, "NOMENCLATURE_TTL_MS", {
      default: 600_000,
      min: 1,
      max: 86_400_000,
    }),
    vatSchedule: readVatSchedule(settings),
    ocr: readOcrSettings(settings, environment),
  };
}

function readRecordsLanguage(settings: PluginSettings): RecordsLanguage {
  const value = settings.string("RECORDS_LANGUAGE", "ro").trim().toLowerCase();
  if (!(RECORDS_LANGUAGES as readonly string[]).includes(value)) {
    throw new ValidationError(
      `Setting ${settings.prefix}RECORDS_LANGUAGE must be ${RECORDS_LANGUAGES.join(" or ")} (got "${value}")`,
    );
  }
  return value as RecordsLanguage;
}

function readVatSchedule(settings: PluginSettings): VatPeriod[] {
  const text = settings.string("VAT_RATES", DEFAULT_VAT_SCHEDULE);
  try {
    return parseVatSchedule(text);
  } catch (error) {
    throw new ValidationError(
      `Setting ${settings.prefix}VAT_RATES must look like ${DEFAULT_VAT_SCHEDULE}: ${(error as Error).message}`,
    );
  }
}

function readOcrSettings(
  settings: PluginSettings,
  environment: KernelInfo["environment"],
): OcrSettings {
  const languages = settings
    .string("OCR_LANGUAGES", "ron,deu,eng")
    .split(",")
    .map((language) => language.trim())
    .filter((language) => language !== "");
  const unknown = languages.filter(
    (language) => !(OCR_LANGUAGES as readonly string[]).includes(language),
  );
  if (languages.length === 0 || unknown.length > 0) {
    throw new ValidationError(
      `Setting ${settings.prefix}OCR_LANGUAGES must list languages from ${OCR_LANGUAGES.join(", ")} (got "${languages.join(",")}")`,
    );
  }
  return {
    enabled: booleanSetting(settings, "OCR_ENABLED", true),
    workers: wholeNumber(settings, "OCR_WORKERS", Math.max(1, os.availableParallelism() - 1), 64),
    languages: [...new Set(languages)] as OcrLanguage[],
    jobTimeoutMs: durationSetting(settings, "OCR_JOB_TIMEOUT_MS", {
      default: 60_000,
      min: 1,
      max: 3_600_000,
    }),
    recycleAfterJobs: wholeNumber(settings, "OCR_RECYCLE_AFTER", 50, 100_000),
    threadNice: niceValue(settings),
    queue: readOcrQueueSettings(settings, environment),
  };
}

function readOcrQueueSettings(
  settings: PluginSettings,
  environment: KernelInfo["environment"],
): OcrQueueSettings {
  const lockMs = durationSetting(settings, "OCR_LOCK_MS", {
    default: 10_000,
    min: 1000,
    max: 600_000,
  });
  const testDelayMs = durationSetting(settings, "OCR_TEST_DELAY_MS", {
    default: 0,
    min: 0,
    max: 600_000,
  });
  if (testDelayMs > 0 && environment === "production") {
    throw new ValidationError(
      `Setting ${settings.prefix}OCR_TEST_DELAY_MS slows every OCR job down and exists for tests only: unset it in production`,
    );
  }
  return {
    lockMs,
    stalledCheckMs: durationSetting(settings, "OCR_STALLED_CHECK_MS", {
      default: Math.min(5000, lockMs),
      min: 500,
      max: 600_000,
    }),
    keepJobs: wholeNumber(settings, "OCR_KEEP_JOBS", 1000, 1_000_000),
    keepSeconds: wholeNumber(settings, "OCR_KEEP_SECONDS", 86_400, 30 * 86_400),
    testDelayMs,
  };
}

function niceValue(settings: PluginSettings): number {
  return integerSetting(settings, "OCR_NICE", { default: 10, min: 0, max: MAX_THREAD_NICE });
}

/**
 * The multipart parser's own limit, fixed when the plugin module is imported (the
 * SDK's `uploads` is static, before the plugin's settings exist): the process's
 * DATA_ENTRY_MAX_UPLOAD_BYTES if it is a positive whole number, else 20 MiB. The
 * route enforces the setting read through the plugin's settings as well, so a value given
 * only in `.env` or `config/*.env` still applies (up to this ceiling).
 */
export function uploadCeiling(env: Readonly<Record<string, string | undefined>>): number {
  const value = Number(env.DATA_ENTRY_MAX_UPLOAD_BYTES?.trim() || Number.NaN);
  return Number.isSafeInteger(value) && value > 0 ? value : DEFAULT_MAX_UPLOAD_BYTES;
}
