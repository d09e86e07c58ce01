/**
 * OCR jobs a user started and follows: each runs one image through the recognizer (the
 * OCR pool) in the background — or one PDF, read from its text layer or its scanned
 * images (`ocr/pdf-source.ts`) — and keeps its state, progress and extracted fields in
 * memory, telling its listeners (server-sent events) as it goes. Bounded: the oldest
 * finished jobs are forgotten beyond `maxJobs`.
 */
import { randomUUID } from "node:crypto";
import { DataEntryError } from "./errors.js";
import { extractFields, type ReceiptFields } from "./ocr/extract-fields.js";
import { isPdf, type OcrSource, PdfReader, recognizePdf } from "./ocr/pdf-source.js";
import type { OcrResult } from "./ocr/types.js";

export type OcrJobState = "queued" | "running" | "done" | "failed";

/** Finer than the state: what a progress bar can say. */
export type OcrJobStage = "queued" | "recognizing" | "extracting" | "applying" | "done" | "failed";

/** What a job did to its receipt once the fields were read (jobs started with `apply`). */
export interface AppliedFields {
  /** The receipt fields written, e.g. `["merchant", "total"]` (empty when none was). */
  fields: string[];
  /** Why nothing could be written (the receipt was deleted or left DRAFT meanwhile). */
  error: string | null;
}

export interface OcrJob {
  id: string;
  /** The attachment read, or null for an image posted to `POST /ocr` on its own. */
  attachmentId: string | null;
  receiptId: number | null;
  /** Who may follow the job: users of this company, or only `owner` when null. */
  companyId: number | null;
  /** The user who started it. */
  owner: string;
  state: OcrJobState;
  stage: OcrJobStage;
  /** 0..1 */
  progress: number;
  fields: ReceiptFields | null;
  /** The text the OCR read (once done): what the fields were taken from. */
  text: string | null;
  /** Where the text came from; null for a PDF not read yet. */
  source: OcrSource | null;
  applied: AppliedFields | null;
  error: { code: string; message: string } | null;
  createdAt: Date;
  finishedAt: Date | null;
}

export interface Recognizer {
  recognize(
    image: Buffer,
    options: { onProgress?: (progress: number) => void },
  ): Promise<OcrResult>;
}

/** Called with the job after each change worth telling (progress is throttled to 1 %). */
export type OcrJobListener = (job: OcrJob) => void;

export interface OcrJobsOptions {
  maxJobs?: number;
  now?: () => Date;
  /** Reads PDF input. Default: a PdfReader with its defaults. */
  pdf?: PdfReader;
}

/** Share of a PDF job's progress taken by reading the file (the rest is OCR of its scans). */
const PDF_READ_SHARE = 0.05;

export interface SubmitOptions {
  /** Runs after the fields are extracted and before the job is `done` (writes them into the receipt). */
  apply?: (fields: ReceiptFields) => Promise<AppliedFields>;
}

export class OcrJobs {
  readonly #jobs = new Map<string, OcrJob>();
  readonly #listeners = new Map<string, Set<OcrJobListener>>();
  readonly #maxJobs: number;
  readonly #now: () => Date;
  readonly #pdf: PdfReader;

  constructor(
    private readonly recognizer: Recognizer,
    options: OcrJobsOptions = {},
  ) {
    this.#maxJobs = options.maxJobs ?? 1000;
    this.#now = options.now ?? (() => new Date());
    this.#pdf = options.pdf ?? new PdfReader();
  }

  /**
   * Registers the job and starts it; returns at once. `finished` settles when it ends
   * (never rejects). `opened` settles once the input is read — at once for an image,
   * after parsing for a PDF — with the error that made a PDF unreadable, or null (never
   * rejects): a route can answer 4xx for a damaged or locked PDF rather than 202.
   */
  submit(
    input: Buffer,
    about: Pick<OcrJob, "attachmentId" | "receiptId" | "companyId" | "owner">,
    options: SubmitOptions = {},
  ): { job: OcrJob; finished: Promise<OcrJob>; opened: Promise<DataEntryError | null> } {
    const pdf = isPdf(input);
    const job: OcrJob = {
      id: randomUUID(),
      ...about,
      state: "queued",
      stage: "queued",
      progress: 0,
      fields: null,
      text: null,
      source: pdf ? null : "image",
      applied: null,
      error: null,
      createdAt: this.#now(),
      finishedAt: null,
    };
    this.#jobs.set(job.id, job);
    this.#forgetOldest();
    let opened: (error: DataEntryError | null) => void = () => {};
    const openedPromise = new Promise<DataEntryError | null>((resolve) => {
      opened = resolve;
    });
    const finished = this.#run(job, input, pdf, options, opened).then(() => {
      opened(null);
      return job;
    });
    return { job, finished, opened: openedPromise };
  }

  /** Ends PDFs being read (the plugin stops). */
  async close(): Promise<void> {
    await this.#pdf.close();
  }

  get(id: string): OcrJob | undefined {
    return this.#jobs.get(id);
  }

  get size(): number {
    return this.#jobs.size;
  }

  /**
   * Calls `listener` on every change of a running job until it ends (the last call is
   * the finished job); returns the function that stops listening. A finished or
   * unknown job has nothing more to tell: the listener is not kept.
   */
  subscribe(id: string, listener: OcrJobListener): () => void {
    const job = this.#jobs.get(id);
    if (!job || job.finishedAt !== null) return () => {};
    let listeners = this.#listeners.get(id);
    if (!listeners) {
      listeners = new Set();
      this.#listeners.set(id, listeners);
    }
    listeners.add(listener);
    return () => {
      const current = this.#listeners.get(id);
      current?.delete(listener);
      if (current?.size === 0) this.#listeners.delete(id);
    };
  }

  /** Listeners still attached to a job (or to every job): what a leak test looks at. */
  listenerCount(id?: string): number {
    if (id !== undefined) return this.#listeners.get(id)?.size ?? 0;
    let count = 0;
    for (const listeners of this.#listeners.values()) count += listeners.size;
    return count;
  }

  #notify(job: OcrJob): void {
    for (const listener of this.#listeners.get(job.id) ?? []) {
      try {
        listener(job);
      } catch {
        // A listener that throws (a closed socket) must not stop the job or the others.
      }
    }
  }

  async #run(
    job: OcrJob,
    input: Buffer,
    pdf: boolean,
    options: SubmitOptions,
    opened: (error: DataEntryError | null) => void,
  ): Promise<void> {
    let told = 0;
    const onProgress = (progress: number) => {
      const first = job.state === "queued";
      job.state = "running";
      job.stage = "recognizing";
      job.progress = Math.max(job.progress, Math.min(1, progress));
      if (first || job.progress - told >= 0.01) {
        told = job.progress;
        this.#notify(job);
      }
    };
    try {
      let result: OcrResult;
      if (pdf) {
        // Queued until read: the reader takes one PDF at a time.
        const document = await this.#pdf.read(input).catch((error: unknown) => {
          if (error instanceof DataEntryError) opened(error);
          throw error;
        });
        opened(null);
        onProgress(PDF_READ_SHARE);
        const read = await recognizePdf(
          document,
          (image, onPageProgress) =>
            this.recognizer.recognize(image, { onProgress: onPageProgress }),
          (progress) => onProgress(PDF_READ_SHARE + (1 - PDF_READ_SHARE) * progress),
        );
        job.source = read.source;
        result = read.result;
      } else {
        opened(null);
        result = await this.recognizer.recognize(input, { onProgress });
      }
      job.state = "running";
      job.stage = "extracting";
      this.#notify(job);
      const fields = extractFields(result, { today: this.#now() });
      job.fields = fields;
      job.text = result.text;
      if (options.apply) {
        job.stage = "applying";
        this.#notify(job);
        job.applied = await options.apply(fields).catch((error: unknown) => ({
          fields: [],
          error: error instanceof Error ? error.message : "The fields could not be written",
        }));
      }
      job.progress = 1;
      job.state = "done";
      job.stage = "done";
    } catch (error) {
      job.state = "failed";
      job.stage = "failed";
      // Library errors carry a stable code and a message meant for people; anything
      // else is not shown (it may hold internals).
      job.error =
        error instanceof DataEntryError
          ? { code: error.code, message: error.message }
          : { code: "DATA_ENTRY_OCR_FAILED", message: "OCR failed" };
    } finally {
      job.finishedAt = this.#now();
      this.#notify(job);
      this.#listeners.delete(job.id);
    }
  }

  #forgetOldest(): void {
    if (this.#jobs.size <= this.#maxJobs) return;
    for (const [id, job] of this.#jobs) {
      if (this.#jobs.size <= this.#maxJobs) return;
      if (job.finishedAt !== null) this.#jobs.delete(id);
    }
  }
}
