/**
 * OCR jobs a user started and follows: each runs one image through the recognizer (the
 * OCR pool) in the background — or one PDF, read from its text layer or its scanned
 * images (`ocr/pdf-source.ts`) — with its state, progress and extracted fields, telling
 * its listeners (server-sent events) as it goes. Two implementations of `OcrJobQueue`:
 * `OcrJobs` here keeps them in this process's memory (the embedded default; bounded: the
 * oldest finished jobs are forgotten beyond `maxJobs`), and `RedisOcrJobs`
 * (`ocr-job-queue.ts`) keeps them in a BullMQ queue on the kernel's Redis, where every
 * kernel runs them and any kernel answers for them (ADR 0032).
 */
import { randomUUID } from "node:crypto";
import { DataEntryError } from "./errors.js";
import { JobListeners } from "./job-listeners.js";
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
  hooks?: OcrJobHooks;
}

/** Share of a PDF job's progress taken by reading the file (the rest is OCR of its scans). */
const PDF_READ_SHARE = 0.05;

/** An attachment as the storage finds it again. */
export interface StoredAttachmentRef {
  id: string;
  storedName: string;
}

/** Who a job is for: what it reads and who may follow it. */
export type OcrJobAbout = Pick<OcrJob, "attachmentId" | "receiptId" | "companyId" | "owner">;

/**
 * A job that writes its fields into a receipt once read: plain data, so that whichever
 * kernel runs the job can do it (the queue's job carries it).
 */
export interface ApplyRequest {
  receiptId: number;
  /** Whose name the receipt's history records. */
  by: string;
  /** Replace fields already filled, not only the empty ones. */
  overwrite: boolean;
}

/** What runs where a job runs (given once, to the jobs, by the receipts' OCR). */
export interface OcrJobHooks {
  /** Writes the fields into the receipt; runs after extraction and before the job is `done`. */
  apply?(request: ApplyRequest, fields: ReceiptFields): Promise<AppliedFields>;
  /** Once the job ended (done or failed), before its end is told: records it on the receipt. */
  finished?(job: OcrJob, request: ApplyRequest | null): Promise<void>;
}

export interface SubmitOptions {
  /** The job's id, when the caller records it before the job can start (default: a new UUID). */
  id?: string;
  /** Write the fields into this receipt once read (through `OcrJobHooks.apply`). */
  apply?: ApplyRequest;
  /**
   * The input is this stored attachment: a queue carries the reference, and the kernel
   * that runs the job reads the bytes (the in-memory jobs use the bytes given).
   */
  attachment?: StoredAttachmentRef;
}

/** A job just submitted. */
export interface SubmittedOcrJob {
  job: OcrJob;
  /** Settles (never rejects) when the job ends, wherever it ran. */
  finished: Promise<OcrJob>;
  /**
   * Settles (never rejects) once the input is read — at once for an image, after parsing
   * for a PDF — with the error that made a PDF unreadable, or null.
   */
  opened: Promise<DataEntryError | null>;
}

type MaybePromise<T> = T | Promise<T>;

/** OCR jobs, in this process (`OcrJobs`) or on a queue every kernel shares (`RedisOcrJobs`). */
export interface OcrJobQueue {
  /** Where the jobs live: what /health says. */
  readonly kind: "memory" | "redis";
  submit(input: Buffer, about: OcrJobAbout, options?: SubmitOptions): MaybePromise<SubmittedOcrJob>;
  /** The job as it is now, wherever it runs; undefined when unknown (or forgotten). */
  get(id: string): MaybePromise<OcrJob | undefined>;
  /** See `OcrJobs.subscribe`: calls `listener` on each change until the job ends. */
  subscribe(id: string, listener: OcrJobListener): MaybePromise<() => void>;
  /** Whether the job is still waiting or running (on any kernel): a receipt waiting on it is not lost. */
  running(id: string): MaybePromise<boolean>;
  close(): Promise<void>;
}

export class OcrJobs implements OcrJobQueue {
  readonly kind = "memory";
  readonly #jobs = new Map<string, OcrJob>();
  readonly #listeners = new JobListeners<OcrJob>();
  readonly #maxJobs: number;
  readonly #now: () => Date;
  readonly #pdf: PdfReader;
  readonly #hooks: OcrJobHooks;

  constructor(
    private readonly recognizer: Recognizer,
    options: OcrJobsOptions = {},
  ) {
    this.#maxJobs = options.maxJobs ?? 1000;
    this.#now = options.now ?? (() => new Date());
    this.#pdf = options.pdf ?? new PdfReader();
    this.#hooks = options.hooks ?? {};
  }

  /**
   * Registers the job and starts it; returns at once. `finished` settles when it ends
   * (never rejects). `opened` settles once the input is read — at once for an image,
   * after parsing for a PDF — with the error that made a PDF unreadable, or null (never
   * rejects): a route can answer 4xx for a damaged or locked PDF rather than 202.
   */
  submit(input: Buffer, about: OcrJobAbout, options: SubmitOptions = {}): SubmittedOcrJob {
    const pdf = isPdf(input);
    const job = newOcrJob(options.id ?? randomUUID(), about, pdf, this.#now());
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

  running(id: string): boolean {
    const job = this.#jobs.get(id);
    return job !== undefined && job.finishedAt === null;
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
    return this.#listeners.add(id, listener);
  }

  /** Listeners still attached to a job (or to every job): what a leak test looks at. */
  listenerCount(id?: string): number {
    return this.#listeners.count(id);
  }

  #notify(job: OcrJob): void {
    this.#listeners.tell(job.id, job);
  }

  async #run(
    job: OcrJob,
    input: Buffer,
    pdf: boolean,
    options: SubmitOptions,
    opened: (error: DataEntryError | null) => void,
  ): Promise<void> {
    try {
      await runOcrJob(job, input, {
        pdf,
        reader: this.#pdf,
        recognizer: this.recognizer,
        hooks: this.#hooks,
        apply: options.apply ?? null,
        now: this.#now,
        opened,
        changed: () => this.#notify(job),
      });
    } finally {
      this.#notify(job);
      this.#listeners.forget(job.id);
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

/** A job as it starts: queued, nothing read yet. */
export function newOcrJob(id: string, about: OcrJobAbout, pdf: boolean, now: Date): OcrJob {
  return {
    id,
    ...about,
    state: "queued",
    stage: "queued",
    progress: 0,
    fields: null,
    text: null,
    source: pdf ? null : "image",
    applied: null,
    error: null,
    createdAt: now,
    finishedAt: null,
  };
}

export interface RunOcrJobOptions {
  pdf: boolean;
  reader: PdfReader;
  recognizer: Recognizer;
  hooks: OcrJobHooks;
  apply: ApplyRequest | null;
  now: () => Date;
  /** Told once the input is read (the error that made a PDF unreadable, or null). */
  opened: (error: DataEntryError | null) => void;
  /** Told after each change worth telling (progress is throttled to 1 %); not told the end. */
  changed: () => void;
}

/**
 * Runs one job to its end, changing `job` as it goes: read the input, recognize, extract
 * the fields, apply them, run the `finished` hook. Never throws: a failure ends the job
 * `failed`, with a code and a message meant for people. What both implementations run.
 */
export async function runOcrJob(
  job: OcrJob,
  input: Buffer,
  options: RunOcrJobOptions,
): Promise<void> {
  const { recognizer, hooks, opened, changed } = options;
  let told = 0;
  const onProgress = (progress: number) => {
    const first = job.state === "queued";
    job.state = "running";
    job.stage = "recognizing";
    job.progress = Math.max(job.progress, Math.min(1, progress));
    if (first || job.progress - told >= 0.01) {
      told = job.progress;
      changed();
    }
  };
  try {
    let result: OcrResult;
    if (options.pdf) {
      // Queued until read: the reader takes one PDF at a time.
      const document = await options.reader.read(input).catch((error: unknown) => {
        if (error instanceof DataEntryError) opened(error);
        throw error;
      });
      opened(null);
      onProgress(PDF_READ_SHARE);
      const read = await recognizePdf(
        document,
        (image, onPageProgress) => recognizer.recognize(image, { onProgress: onPageProgress }),
        (progress) => onProgress(PDF_READ_SHARE + (1 - PDF_READ_SHARE) * progress),
      );
      job.source = read.source;
      result = read.result;
    } else {
      opened(null);
      result = await recognizer.recognize(input, { onProgress });
    }
    job.state = "running";
    job.stage = "extracting";
    changed();
    const fields = extractFields(result, { today: options.now() });
    job.fields = fields;
    job.text = result.text;
    if (options.apply && hooks.apply) {
      const apply = hooks.apply;
      const request = options.apply;
      job.stage = "applying";
      changed();
      job.applied = await apply(request, fields).catch((error: unknown) => ({
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
  }
  job.finishedAt = options.now();
  opened(null);
  await hooks.finished?.(job, options.apply).catch(() => {
    // The hook logs its own failures; the job's end is told regardless.
  });
}
