/**
 * OCR jobs a user started and polls: each runs one image through the recognizer (the
 * OCR pool) in the background and keeps its state, progress and extracted fields in
 * memory. Bounded: the oldest finished jobs are forgotten beyond `maxJobs`.
 */
import { randomUUID } from "node:crypto";
import { DataEntryError } from "./errors.js";
import { extractFields, type ReceiptFields } from "./ocr/extract-fields.js";
import type { OcrResult } from "./ocr/types.js";

export type OcrJobState = "queued" | "running" | "done" | "failed";

export interface OcrJob {
  id: string;
  attachmentId: string;
  receiptId: number;
  companyId: number;
  state: OcrJobState;
  /** 0..1 */
  progress: number;
  fields: ReceiptFields | null;
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

export interface OcrJobsOptions {
  maxJobs?: number;
  now?: () => Date;
}

export class OcrJobs {
  readonly #jobs = new Map<string, OcrJob>();
  readonly #maxJobs: number;
  readonly #now: () => Date;

  constructor(
    private readonly recognizer: Recognizer,
    options: OcrJobsOptions = {},
  ) {
    this.#maxJobs = options.maxJobs ?? 1000;
    this.#now = options.now ?? (() => new Date());
  }

  /** Registers the job and starts it; returns at once. The promise settles when it ends (for tests). */
  submit(
    image: Buffer,
    about: Pick<OcrJob, "attachmentId" | "receiptId" | "companyId">,
  ): { job: OcrJob; finished: Promise<void> } {
    const job: OcrJob = {
      id: randomUUID(),
      ...about,
      state: "queued",
      progress: 0,
      fields: null,
      error: null,
      createdAt: this.#now(),
      finishedAt: null,
    };
    this.#jobs.set(job.id, job);
    this.#forgetOldest();
    const finished = this.#run(job, image);
    return { job, finished };
  }

  get(id: string): OcrJob | undefined {
    return this.#jobs.get(id);
  }

  get size(): number {
    return this.#jobs.size;
  }

  async #run(job: OcrJob, image: Buffer): Promise<void> {
    try {
      const result = await this.recognizer.recognize(image, {
        onProgress: (progress) => {
          job.state = "running";
          job.progress = Math.max(job.progress, Math.min(1, progress));
        },
      });
      job.fields = extractFields(result, { today: this.#now() });
      job.progress = 1;
      job.state = "done";
    } catch (error) {
      job.state = "failed";
      // Library errors carry a stable code and a message meant for people; anything
      // else is not shown (it may hold internals).
      job.error =
        error instanceof DataEntryError
          ? { code: error.code, message: error.message }
          : { code: "DATA_ENTRY_OCR_FAILED", message: "OCR failed" };
    } finally {
      job.finishedAt = this.#now();
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
