import type { PluginSettings } from "@roa2web/plugin-sdk";
import { describe, expect, it } from "vitest";
import { readDataEntrySettings, uploadCeiling } from "./settings.js";

function settingsOf(values: Record<string, string>): PluginSettings {
  return {
    prefix: "DATA_ENTRY_",
    values,
    string: (key, fallback) => values[key] ?? fallback,
    optionalString: (key) => values[key],
    number: (key, fallback) => (values[key] === undefined ? fallback : Number(values[key])),
    boolean: (key, fallback) => (values[key] === undefined ? fallback : values[key] === "true"),
  };
}

describe("settings", () => {
  it("has defaults fit for development", () => {
    expect(readDataEntrySettings(settingsOf({}))).toEqual({
      maxUploadBytes: 20 * 1024 * 1024,
      maxAttachmentsPerReceipt: 20,
      attachments: { storage: null, directory: null },
      uploadsPerUser: 2,
      approverNotCreator: false,
      defaultPageSize: 20,
      timeZone: "Europe/Bucharest",
      accounts: { expense: "6022", vat: "4426", supplier: "401", cash: "5311", foreignVat: null },
      recordsLanguage: "ro",
      defaultPayment: "supplier",
      nomenclatureTtlMs: 600_000,
      vatSchedule: [
        { from: null, rates: [19, 9, 5] },
        { from: "2025-08-01", rates: [21, 11, 0] },
      ],
      ocr: {
        enabled: true,
        workers: expect.any(Number),
        languages: ["ron", "deu", "eng"],
        jobTimeoutMs: 60_000,
        recycleAfterJobs: 50,
        threadNice: 10,
        queue: {
          lockMs: 10_000,
          stalledCheckMs: 5000,
          keepJobs: 1000,
          keepSeconds: 86_400,
          testDelayMs: 0,
        },
      },
    });
  });

  it("reads the OCR queue's lock and stalled check, and refuses the test delay in production", () => {
    const queue = (values: Record<string, string>, environment?: "production") =>
      readDataEntrySettings(settingsOf(values), environment).ocr.queue;
    expect(queue({ OCR_LOCK_MS: "3s", OCR_STALLED_CHECK_MS: "1000" })).toMatchObject({
      lockMs: 3000,
      stalledCheckMs: 1000,
    });
    // The check is never slower than the lock it looks after.
    expect(queue({ OCR_LOCK_MS: "2s" }).stalledCheckMs).toBe(2000);
    expect(() => queue({ OCR_LOCK_MS: "10" })).toThrow(/DATA_ENTRY_OCR_LOCK_MS/);
    expect(queue({ OCR_TEST_DELAY_MS: "4s" }).testDelayMs).toBe(4000);
    expect(() => queue({ OCR_TEST_DELAY_MS: "4s" }, "production")).toThrow(
      /DATA_ENTRY_OCR_TEST_DELAY_MS .*tests only/,
    );
  });

  it("writes records in Romanian unless told en, and refuses another language", () => {
    expect(readDataEntrySettings(settingsOf({ RECORDS_LANGUAGE: "EN" })).recordsLanguage).toBe(
      "en",
    );
    expect(() => readDataEntrySettings(settingsOf({ RECORDS_LANGUAGE: "de" }))).toThrow(
      "DATA_ENTRY_RECORDS_LANGUAGE must be ro or en",
    );
  });

  it("reads overrides", () => {
    const settings = readDataEntrySettings(
      settingsOf({ MAX_UPLOAD_BYTES: "1024", EXPENSE_ACCOUNT: "604", DEFAULT_PAYMENT: "cash" }),
    );
    expect(settings).toMatchObject({ maxUploadBytes: 1024, defaultPayment: "cash" });
    expect(settings.accounts.expense).toBe("604");
    const foreign = readDataEntrySettings(
      settingsOf({ FOREIGN_VAT_ACCOUNT: "635", RECORDS_LANGUAGE: "en" }),
    );
    expect(foreign.accounts.foreignVat).toBe("635");
    expect(foreign.recordsLanguage).toBe("en");
    const ocr = readDataEntrySettings(
      settingsOf({
        OCR_ENABLED: "false",
        OCR_WORKERS: "2",
        OCR_LANGUAGES: "deu, deu",
        OCR_RECYCLE_AFTER: "7",
        OCR_NICE: "0",
      }),
    ).ocr;
    expect(ocr).toMatchObject({
      enabled: false,
      workers: 2,
      languages: ["deu"],
      recycleAfterJobs: 7,
      threadNice: 0,
    });
  });

  it("reads the attachment limits", () => {
    expect(
      readDataEntrySettings(settingsOf({ MAX_ATTACHMENTS: "5", UPLOADS_PER_USER: "1" })),
    ).toMatchObject({ maxAttachmentsPerReceipt: 5, uploadsPerUser: 1 });
  });

  it("reads where attachments live, and refuses a storage it does not know", () => {
    expect(
      readDataEntrySettings(
        settingsOf({ ATTACHMENTS: "database", ATTACHMENTS_DIR: "/srv/roa2web/attachments" }),
      ).attachments,
    ).toEqual({ storage: "database", directory: "/srv/roa2web/attachments" });
    expect(
      readDataEntrySettings(settingsOf({ ATTACHMENTS: "files", ATTACHMENTS_DIR: " " })).attachments,
    ).toEqual({ storage: "files", directory: null });
    expect(() => readDataEntrySettings(settingsOf({ ATTACHMENTS: "s3" }))).toThrow(
      /DATA_ENTRY_ATTACHMENTS/,
    );
  });

  it("keeps approvers apart from creators by default in production only", () => {
    const by = (environment: "development" | "test" | "production", values = {}) =>
      readDataEntrySettings(settingsOf(values), environment).approverNotCreator;
    expect(by("production")).toBe(true);
    expect(by("development")).toBe(false);
    expect(by("test")).toBe(false);
    expect(by("production", { APPROVER_NOT_CREATOR: "false" })).toBe(false);
    expect(by("development", { APPROVER_NOT_CREATOR: "true" })).toBe(true);
  });

  it.each([
    [{ MAX_UPLOAD_BYTES: "0" }, "DATA_ENTRY_MAX_UPLOAD_BYTES"],
    [{ MAX_ATTACHMENTS: "0" }, "DATA_ENTRY_MAX_ATTACHMENTS"],
    [{ UPLOADS_PER_USER: "many" }, "DATA_ENTRY_UPLOADS_PER_USER"],
    [{ DEFAULT_PAGE_SIZE: "500" }, "DATA_ENTRY_DEFAULT_PAGE_SIZE"],
    [{ EXPENSE_ACCOUNT: "expenses" }, "DATA_ENTRY_EXPENSE_ACCOUNT"],
    [{ TIME_ZONE: "Mars/Olympus" }, "DATA_ENTRY_TIME_ZONE"],
    [{ DEFAULT_PAYMENT: "card" }, "DATA_ENTRY_DEFAULT_PAYMENT"],
    [{ OCR_LANGUAGES: "deu,klingon" }, "DATA_ENTRY_OCR_LANGUAGES"],
    [{ OCR_LANGUAGES: " , " }, "DATA_ENTRY_OCR_LANGUAGES"],
    [{ OCR_WORKERS: "0" }, "DATA_ENTRY_OCR_WORKERS"],
    [{ OCR_RECYCLE_AFTER: "0" }, "DATA_ENTRY_OCR_RECYCLE_AFTER"],
    [{ OCR_RECYCLE_AFTER: "2.5" }, "DATA_ENTRY_OCR_RECYCLE_AFTER"],
    [{ OCR_NICE: "20" }, "DATA_ENTRY_OCR_NICE"],
    [{ OCR_NICE: "-5" }, "DATA_ENTRY_OCR_NICE"],
    [{ VAT_RATES: "19,x" }, "DATA_ENTRY_VAT_RATES"],
    [{ VAT_RATES: "2025-08-01:21;2024-01-01:19" }, "DATA_ENTRY_VAT_RATES"],
    [{ NOMENCLATURE_TTL_MS: "0" }, "DATA_ENTRY_NOMENCLATURE_TTL_MS"],
    [{ FOREIGN_VAT_ACCOUNT: "TVA" }, "DATA_ENTRY_FOREIGN_VAT_ACCOUNT"],
    [{ RECORDS_LANGUAGE: "de" }, "DATA_ENTRY_RECORDS_LANGUAGE"],
    [{ MAX_ATTACHMENTS: "1e1" }, "DATA_ENTRY_MAX_ATTACHMENTS"],
    [{ OCR_JOB_TIMEOUT_MS: "2h" }, "DATA_ENTRY_OCR_JOB_TIMEOUT_MS"],
  ])("names the variable of a bad value %o", (values, name) => {
    expect(() => readDataEntrySettings(settingsOf(values))).toThrow(name);
  });

  it("reads durations in milliseconds or with a unit", () => {
    const settings = readDataEntrySettings(
      settingsOf({ OCR_JOB_TIMEOUT_MS: "2m", NOMENCLATURE_TTL_MS: "90000" }),
    );
    expect(settings.ocr.jobTimeoutMs).toBe(120_000);
    expect(settings.nomenclatureTtlMs).toBe(90_000);
  });

  it("takes the parser's ceiling from the process environment, else 20 MiB", () => {
    expect(uploadCeiling({ DATA_ENTRY_MAX_UPLOAD_BYTES: "4096" })).toBe(4096);
    expect(uploadCeiling({ DATA_ENTRY_MAX_UPLOAD_BYTES: "lots" })).toBe(20 * 1024 * 1024);
    expect(uploadCeiling({})).toBe(20 * 1024 * 1024);
  });
});
