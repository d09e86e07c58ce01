/**
 * OCR that writes into a receipt: run a job on one of its image attachments and, when
 * the fields are read, fill the receipt's empty fields (all of them with `overwrite`)
 * and record it in the history. Also a receipt created from a photo in one go. The
 * HTTP routes and the `data-entry.receipts` service both come through here.
 */
import { randomUUID } from "node:crypto";
import { type Logger, ServiceUnavailableError } from "@roa2web/plugin-sdk";
import { sanitiseDisplayName } from "./attachment-rules.js";
import { type AttachmentStorage, storeUpload, type UploadStream } from "./attachment-storage.js";
import type { Attachment, Receipt } from "./entities.js";
import { type DataEntryError, ReceiptLockedError } from "./errors.js";
import type { ReceiptFields as OcrFields } from "./ocr/extract-fields.js";
import type { OcrPool } from "./ocr/ocr-pool.js";
import { fillFromOcr, ocrFilledNote, overallConfidence } from "./ocr-fill.js";
import type { AppliedFields, ApplyRequest, OcrJob, OcrJobHooks, OcrJobQueue } from "./ocr-jobs.js";
import { todayIn } from "./receipt-rules.js";
import type { OcrClaim, ReceiptsStore } from "./receipts-store.js";
import type { RecordsLanguage } from "./settings.js";
import { isEditable } from "./workflow.js";

export interface ReceiptOcrDependencies {
  store: ReceiptsStore;
  storage: AttachmentStorage;
  /** Read at each call: null while OCR is switched off. */
  ocr(): { pool: OcrPool; jobs: OcrJobQueue } | null;
  timeZone: string;
  /** The language of the history notes it writes (DATA_ENTRY_RECORDS_LANGUAGE). */
  recordsLanguage: RecordsLanguage;
  logger: Logger;
}

export interface StartedOcr {
  job: OcrJob;
  /** Settles (never rejects) once the fields are written, or the job failed. */
  finished: Promise<OcrJob>;
  /** Settles once the file is read: the error that made a PDF unreadable, or null. */
  opened: Promise<DataEntryError | null>;
}

/**
 * How long a claim on a receipt's OCR lasts unless renewed: the time after which a
 * receipt whose kernel died is read by another kernel. Renewed, and unclaimed receipts
 * looked for, every OCR_CLAIM_CHECK_MS.
 */
export const OCR_CLAIM_TTL_MS = 30_000;
export const OCR_CLAIM_CHECK_MS = 5_000;

export class ReceiptOcr {
  /** This instance, as receipt claims name it: a kernel during a hand-over runs two. */
  readonly claimHolder = randomUUID();
  #checking: Promise<unknown> | undefined;

  constructor(private readonly deps: ReceiptOcrDependencies) {}

  #claim(now = Date.now()): OcrClaim {
    return { holder: this.claimHolder, expiresMs: now + OCR_CLAIM_TTL_MS };
  }

  /**
   * While the instance runs: takes up receipts whose OCR was interrupted (now, and every
   * OCR_CLAIM_CHECK_MS, so a receipt whose kernel died is read once its claim lapsed),
   * and renews the claims of the jobs running here.
   */
  keepClaims(signal: AbortSignal): void {
    const check = () => {
      this.#checking ??= this.deps.store
        .renewOcrClaims(this.claimHolder, Date.now() + OCR_CLAIM_TTL_MS)
        .then(() => this.resumeInterrupted())
        .catch((error: unknown) => {
          this.deps.logger.error(
            { err: error },
            "Could not look for receipts whose OCR was interrupted",
          );
        })
        .finally(() => {
          this.#checking = undefined;
        });
    };
    check();
    const timer = setInterval(check, OCR_CLAIM_CHECK_MS);
    timer.unref();
    signal.addEventListener("abort", () => clearInterval(timer), { once: true });
  }

  /** Gives up this instance's claims (its stop): a kernel standing by takes them up. */
  async releaseClaims(): Promise<void> {
    await this.#checking;
    await this.deps.store.releaseOcrClaims(this.claimHolder);
  }

  get enabled(): boolean {
    return this.deps.ocr() !== null;
  }

  /**
   * Starts OCR of the attachment (an image, or a PDF) for its receipt (the caller has
   * checked access and that the receipt is editable). 503 while OCR is off.
   */
  async start(
    receipt: Receipt,
    attachment: Attachment,
    by: string,
    overwrite: boolean,
  ): Promise<StartedOcr> {
    const ocr = this.deps.ocr();
    if (!ocr) {
      throw new ServiceUnavailableError("OCR is switched off (DATA_ENTRY_OCR_ENABLED=false)");
    }
    const file = await this.deps.storage.read(attachment);
    // Recorded before the job can start: on a queue another kernel may end it first.
    const id = randomUUID();
    await this.deps.store.setOcr(receipt.id, "pending", id, this.#claim());
    let started: Awaited<ReturnType<OcrJobQueue["submit"]>>;
    try {
      started = await ocr.jobs.submit(
        file,
        {
          attachmentId: attachment.id,
          receiptId: receipt.id,
          companyId: receipt.companyId,
          owner: by,
        },
        {
          id,
          apply: { receiptId: receipt.id, by, overwrite },
          attachment: { id: attachment.id, storedName: attachment.storedName },
        },
      );
    } catch (error) {
      // Not queued (Redis away): nobody will read it, so the receipt must not wait for it.
      await this.deps.store.setOcr(receipt.id, "failed", id).catch(() => {});
      throw error;
    }
    return started;
  }

  /** What the OCR jobs (in memory or on the queue) call where each runs. */
  readonly hooks: OcrJobHooks = {
    apply: (request, fields) => this.applyFields(request, fields),
    finished: (job, request) => this.jobFinished(job, request),
  };

  /**
   * What the jobs run where they run, once a job ended: a failed job, or one whose fields
   * could not be written (the receipt was submitted or deleted meanwhile), must not leave
   * the receipt "pending" for ever.
   */
  async jobFinished(ended: OcrJob, request: ApplyRequest | null): Promise<void> {
    if (!request) return;
    // Cut short because the plugin is stopping (the pool closed): the receipt stays
    // "pending" and the next start reads it again (resumeInterrupted), or on a queue,
    // another kernel runs the job again.
    if (ended.state === "failed" && this.deps.ocr()?.pool.status().state === "closed") return;
    if (ended.state === "failed" || ended.applied?.error) {
      const status = ended.state === "failed" ? "failed" : "done";
      await this.deps.store.setOcr(request.receiptId, status, ended.id).catch((error: unknown) => {
        this.deps.logger.warn(
          { err: error, receiptId: request.receiptId },
          "Could not record a failed OCR",
        );
      });
    }
  }

  /**
   * Stores the upload as a new DRAFT's attachment (type sniffed from the content, 413
   * and 415 as for uploads), with the fields OCR will fill left empty, and starts OCR
   * when it is on (a PDF that cannot be read ends its job failed, with the reason). The
   * company has been checked by the caller.
   */
  async createFromImage(input: {
    companyId: number;
    by: string;
    fileName: string;
    upload: UploadStream;
    maxBytes: number;
  }): Promise<{ receipt: Receipt; attachment: Attachment; ocr: StartedOcr | null }> {
    const now = new Date();
    const { receipt, attachment } = await storeUpload(
      this.deps.storage,
      input.upload,
      input.maxBytes,
      async (stored, keep) => {
        const attachment: Omit<Attachment, "receiptId"> = {
          id: stored.id,
          storedName: stored.storedName,
          displayName: sanitiseDisplayName(input.fileName, stored.mime),
          mime: stored.mime,
          size: stored.size,
          sha256: stored.sha256,
          createdAt: now,
        };
        const receipt = await this.deps.store.create(
          input.companyId,
          {
            merchant: null,
            taxId: "",
            date: null,
            total: null,
            vat: null,
            currency: null,
            notes: null,
          },
          input.by,
          now,
          attachment,
          keep,
        );
        return { receipt, attachment };
      },
    );
    const saved: Attachment = { ...attachment, receiptId: receipt.id };
    if (!this.enabled) {
      return { receipt, attachment: saved, ocr: null };
    }
    let ocr: StartedOcr;
    try {
      ocr = await this.start(receipt, saved, input.by, false);
    } catch (error) {
      // The queue is away (Redis): the receipt and its photo are kept, its OCR says
      // "failed" (start recorded it), and OCR can be asked again later.
      if (!(error instanceof ServiceUnavailableError)) throw error;
      this.deps.logger.warn(
        { err: error.message, receiptId: receipt.id },
        "Receipt saved, its OCR could not be queued",
      );
      const failedJob = await this.deps.store.find(receipt.id);
      return { receipt: failedJob ?? receipt, attachment: saved, ocr: null };
    }
    return {
      receipt: { ...receipt, ocrStatus: "pending", ocrJobId: ocr.job.id },
      attachment: saved,
      ocr,
    };
  }

  /**
   * Receipts still "pending" that no kernel reads lost their job when the process or
   * instance that ran it stopped (a crash, a restart, a reload, a hand-over). Each is
   * claimed first (so of two kernels only one reads it); its file is stored, so OCR
   * reads it again (filling only empty fields, in the name of who created the receipt);
   * when it cannot (OCR off, no file left, the receipt no longer editable) the receipt is
   * marked "failed", so nobody waits for a job that will never end.
   */
  async resumeInterrupted(): Promise<{ resumed: number; failed: number }> {
    let resumed = 0;
    let failed = 0;
    const now = Date.now();
    for (const receipt of await this.deps.store.awaitingOcr(now)) {
      if (!(await this.deps.store.claimOcr(receipt.id, this.#claim(now), now))) continue;
      // On a queue its job outlived the kernel that claimed it: another kernel runs it.
      const jobs = this.deps.ocr()?.jobs;
      if (receipt.ocrJobId !== null && jobs && (await jobs.running(receipt.ocrJobId))) continue;
      const file =
        this.enabled && isEditable(receipt.status)
          ? (await this.deps.store.attachments(receipt.id)).at(-1)
          : undefined;
      if (file) {
        try {
          await this.start(receipt, file, receipt.createdBy, false);
          resumed += 1;
          continue;
        } catch (error) {
          this.deps.logger.warn({ err: error, receiptId: receipt.id }, "Could not resume OCR");
        }
      }
      await this.deps.store.setOcr(receipt.id, "failed", receipt.ocrJobId);
      failed += 1;
    }
    if (resumed + failed > 0) {
      this.deps.logger.info({ resumed, failed }, "OCR of receipts interrupted by a stop");
    }
    return { resumed, failed };
  }

  /** Writes a job's fields into its receipt (what the jobs run where they run). */
  async applyFields(
    { receiptId, by, overwrite }: ApplyRequest,
    fields: OcrFields,
  ): Promise<AppliedFields> {
    const today = todayIn(this.deps.timeZone);
    const confidence = overallConfidence(fields);
    let names: string[] = [];
    await this.deps.store.applyOcr(
      receiptId,
      (receipt) => {
        // Submitted (or approved) meanwhile: OCR no longer touches it.
        if (!isEditable(receipt.status)) throw new ReceiptLockedError(receipt.id, receipt.status);
        const fill = fillFromOcr(receipt, fields, { overwrite, today });
        names = fill.names;
        const note =
          fill.names.length === 0
            ? null
            : ocrFilledNote(fill.names, confidence, this.deps.recordsLanguage);
        return { changes: fill.changes, note };
      },
      by,
    );
    this.deps.logger.info({ receiptId, fields: names, confidence }, "OCR fields applied");
    return { fields: names, error: null };
  }
}
