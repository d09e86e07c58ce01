/**
 * OCR jobs on a BullMQ queue in the kernel's Redis (ADR 0032): the jobs outlive the
 * kernel that accepted them. Every kernel runs a Worker (as many jobs at once as its OCR
 * pool has workers); a job's state, progress and result live in Redis, so any kernel
 * answers for it and streams its news (QueueEvents). A kernel that dies mid-job stops
 * renewing its lock; another kernel's stalled-job check puts the job back in the queue
 * and a kernel runs it again from the start. A kernel that stops (a reload, a hand-over)
 * puts its running jobs back at once.
 *
 * A job's input travels with it: an image posted on its own in the job's data (base64,
 * bounded by DATA_ENTRY_MAX_UPLOAD_BYTES, dropped from Redis once the job ends), an
 * attachment by reference (id and stored name), read by whichever kernel runs it through
 * the plugin's attachment storage.
 */
import { randomUUID } from "node:crypto";
import { type Logger, ServiceUnavailableError } from "@roa2web/plugin-sdk";
import { type Job, Queue, QueueEvents, WaitingError, Worker } from "bullmq";
import { Redis } from "ioredis";
import { DataEntryError } from "./errors.js";
import { JobListeners } from "./job-listeners.js";
import type { ReceiptFields } from "./ocr/extract-fields.js";
import { isPdf, type OcrSource, type PdfReader } from "./ocr/pdf-source.js";
import {
  type ApplyRequest,
  newOcrJob,
  type OcrJob,
  type OcrJobAbout,
  type OcrJobHooks,
  type OcrJobListener,
  type OcrJobQueue,
  type Recognizer,
  runOcrJob,
  type StoredAttachmentRef,
  type SubmitOptions,
  type SubmittedOcrJob,
} from "./ocr-jobs.js";

/** What a queued job carries (JSON in Redis). */
export interface QueuedOcrInput {
  about: OcrJobAbout;
  apply: ApplyRequest | null;
  /** An image or PDF posted on its own, base64; null once the job ended. */
  image: string | null;
  /** The attachment (read through the attachment storage), or null. */
  attachment: StoredAttachmentRef | null;
  pdf: boolean;
  createdAt: string;
}

/** A job as Redis keeps it: its progress, and its result once it ended. */
interface JobSnapshot {
  state: OcrJob["state"];
  stage: OcrJob["stage"];
  progress: number;
  fields: ReceiptFields | null;
  text: string | null;
  source: OcrSource | null;
  applied: OcrJob["applied"];
  error: OcrJob["error"];
  finishedAt: string | null;
  /** The input could not be read (a damaged or locked PDF): `error` says why. */
  unreadable: boolean;
}

export interface RedisOcrJobsOptions {
  /** `coreServices.redis`'s connection. */
  url: string;
  /** BullMQ's key prefix (no trailing colon): `roa2web:data-entry`. */
  prefix: string;
  recognizer: Recognizer;
  pdf: PdfReader;
  /** Reads an attachment's bytes (whichever kernel runs the job). */
  readAttachment(attachment: StoredAttachmentRef): Promise<Buffer>;
  hooks?: OcrJobHooks;
  logger: Logger;
  /** Jobs run at once by this kernel's Worker: the OCR pool's size. */
  concurrency: number;
  lockMs: number;
  stalledCheckMs: number;
  /** Finished jobs kept (the oldest removed first) and for how long. */
  keepJobs: number;
  keepSeconds: number;
  /** Run the Worker (default true; a test's second handle may only follow). */
  work?: boolean;
  now?: () => Date;
}

export const OCR_QUEUE_NAME = "ocr";

const UNAVAILABLE =
  "OCR jobs are kept in Redis, which does not answer now; try again shortly / Joburile OCR sunt păstrate în Redis, care nu răspunde acum; încercați din nou în curând";

/** A Redis failure as the caller sees it: 503, never a crash or a hang. */
function unavailable(error: unknown): never {
  if (error instanceof DataEntryError || error instanceof ServiceUnavailableError) throw error;
  throw new ServiceUnavailableError(UNAVAILABLE, { cause: error });
}

function snapshotOf(job: OcrJob, unreadable: boolean): JobSnapshot {
  return {
    state: job.state,
    stage: job.stage,
    progress: job.progress,
    fields: job.fields,
    text: job.text,
    source: job.source,
    applied: job.applied,
    error: job.error,
    finishedAt: job.finishedAt?.toISOString() ?? null,
    unreadable,
  };
}

function isSnapshot(value: unknown): value is JobSnapshot {
  return typeof value === "object" && value !== null && "state" in value && "stage" in value;
}

export class RedisOcrJobs implements OcrJobQueue {
  readonly kind = "redis";
  readonly #queue: Queue<QueuedOcrInput, JobSnapshot>;
  readonly #events: QueueEvents;
  readonly #worker: Worker<QueuedOcrInput, JobSnapshot> | undefined;
  readonly #clients: Redis[] = [];
  readonly #listeners = new JobListeners<OcrJob>();
  /** Per job, the news being read, so listeners hear it in order. */
  readonly #telling = new Map<string, Promise<void>>();
  readonly #now: () => Date;
  #stopping = false;

  constructor(private readonly options: RedisOcrJobsOptions) {
    this.#now = options.now ?? (() => new Date());
    const client = (blocking: boolean) => {
      const redis = new Redis(options.url, {
        // The queue's commands fail at once while Redis is away (a request answers 503);
        // the worker and the events reader wait for it, reconnecting for ever.
        ...(blocking
          ? { maxRetriesPerRequest: null }
          : { maxRetriesPerRequest: 1, enableOfflineQueue: false, commandTimeout: 2000 }),
        retryStrategy: (attempt: number) => Math.min(100 * attempt, 2000),
      });
      // Without a listener an error event would throw: the kernel must not crash on it.
      redis.on("error", () => {});
      this.#clients.push(redis);
      return redis;
    };
    // Each part reconnects by itself, failing every 2 s while Redis is away: said once a
    // minute per part, not at every attempt.
    const lastSaid = new Map<string, number>();
    const onError = (what: string) => (error: Error) => {
      const now = Date.now();
      if (now - (lastSaid.get(what) ?? 0) < 60_000) return;
      lastSaid.set(what, now);
      options.logger.warn(
        { err: error.message, part: what },
        "OCR queue: Redis error (new OCR jobs answer 503 while Redis is away)",
      );
    };
    const base = { prefix: options.prefix };
    this.#queue = new Queue<QueuedOcrInput, JobSnapshot>(OCR_QUEUE_NAME, {
      ...base,
      connection: client(false),
      defaultJobOptions: {
        removeOnComplete: { count: options.keepJobs, age: options.keepSeconds },
        removeOnFail: { count: options.keepJobs, age: options.keepSeconds },
      },
    });
    this.#queue.on("error", onError("queue"));
    this.#events = new QueueEvents(OCR_QUEUE_NAME, { ...base, connection: client(true) });
    this.#events.on("error", onError("events"));
    for (const event of ["progress", "completed", "failed"] as const) {
      this.#events.on(event, ({ jobId }: { jobId: string }) => this.#tell(jobId));
    }
    if (options.work !== false) {
      this.#worker = new Worker<QueuedOcrInput, JobSnapshot>(
        OCR_QUEUE_NAME,
        (job, token) => this.#process(job, token),
        {
          ...base,
          connection: client(true),
          concurrency: options.concurrency,
          lockDuration: options.lockMs,
          stalledInterval: options.stalledCheckMs,
          // A job put back after its kernel died once is run again; twice is a job that
          // kills kernels (a huge scan): it fails rather than take down a third.
          maxStalledCount: 2,
        },
      );
      this.#worker.on("error", onError("worker"));
    }
  }

  /** Resolves once the queue, its events and the worker are connected (tests). */
  async ready(): Promise<void> {
    await Promise.all([
      this.#queue.waitUntilReady(),
      this.#events.waitUntilReady(),
      this.#worker?.waitUntilReady(),
    ]);
  }

  async submit(
    input: Buffer,
    about: OcrJobAbout,
    options: SubmitOptions = {},
  ): Promise<SubmittedOcrJob> {
    const pdf = isPdf(input);
    // A damaged or locked PDF is the request's fault: read here, so the route can answer
    // 400 at once instead of waiting for a kernel to take the job (which then fails it).
    const unreadable = pdf
      ? await this.options.pdf.read(input).then(
          () => null,
          (error: unknown) => (error instanceof DataEntryError ? error : null),
        )
      : null;
    const job = newOcrJob(options.id ?? randomUUID(), about, pdf, this.#now());
    const finished = new Promise<OcrJob>((resolve) => {
      this.#listen(job.id, (current) => {
        if (current.finishedAt !== null) resolve(current);
      });
    });
    const data: QueuedOcrInput = {
      about,
      apply: options.apply ?? null,
      image: options.attachment === undefined ? input.toString("base64") : null,
      attachment: options.attachment ?? null,
      pdf,
      createdAt: job.createdAt.toISOString(),
    };
    await this.#add(job.id, data);
    return { job, finished, opened: Promise.resolve(unreadable) };
  }

  async #add(id: string, data: QueuedOcrInput): Promise<void> {
    try {
      await this.#queue.add("ocr", data, { jobId: id });
    } catch (error) {
      this.#listeners.forget(id);
      unavailable(error);
    }
  }

  async get(id: string): Promise<OcrJob | undefined> {
    let found: Job<QueuedOcrInput, JobSnapshot> | undefined;
    try {
      found = await this.#queue.getJob(id);
    } catch (error) {
      unavailable(error);
    }
    return found ? this.#toOcrJob(found) : undefined;
  }

  async running(id: string): Promise<boolean> {
    const job = await this.get(id);
    return job !== undefined && job.finishedAt === null;
  }

  /**
   * Calls `listener` on each change of the job (read from Redis as the events come, from
   * whichever kernel runs it) until it ends; a job that ended already is told once.
   */
  async subscribe(id: string, listener: OcrJobListener): Promise<() => void> {
    const stop = this.#listen(id, listener);
    // It may have moved (or ended) before the listener was there.
    this.#tell(id);
    return stop;
  }

  #listen(id: string, listener: OcrJobListener): () => void {
    return this.#listeners.add(id, listener);
  }

  listenerCount(id?: string): number {
    return this.#listeners.count(id);
  }

  /** Reads the job and tells its listeners, one read after another per job. */
  #tell(id: string): void {
    if (!this.#listeners.has(id)) return;
    const previous = this.#telling.get(id) ?? Promise.resolve();
    const next = previous
      .then(async () => {
        const job = await this.get(id);
        if (!job) return;
        this.#listeners.tell(id, job);
        if (job.finishedAt !== null) this.#listeners.forget(id);
      })
      .catch((error: unknown) => {
        this.options.logger.warn(
          { err: error instanceof Error ? error.message : String(error), jobId: id },
          "OCR queue: could not read a job's news",
        );
      })
      .finally(() => {
        if (this.#telling.get(id) === next) this.#telling.delete(id);
      });
    this.#telling.set(id, next);
  }

  #toOcrJob(found: Job<QueuedOcrInput, JobSnapshot>): OcrJob {
    const data = found.data;
    const job = newOcrJob(found.id ?? "", data.about, data.pdf, new Date(data.createdAt));
    const snapshot = isSnapshot(found.returnvalue)
      ? found.returnvalue
      : isSnapshot(found.progress)
        ? found.progress
        : null;
    if (snapshot) {
      Object.assign(job, {
        state: snapshot.state,
        stage: snapshot.stage,
        progress: snapshot.progress,
        fields: snapshot.fields,
        text: snapshot.text,
        source: snapshot.source,
        applied: snapshot.applied,
        error: snapshot.error,
        finishedAt: snapshot.finishedAt === null ? null : new Date(snapshot.finishedAt),
      });
    }
    // Failed by BullMQ itself (its kernel died too often, or the processor threw).
    if (found.failedReason && !isSnapshot(found.returnvalue)) {
      Object.assign(job, {
        state: "failed",
        stage: "failed",
        error: { code: "DATA_ENTRY_OCR_FAILED", message: "OCR failed" },
        finishedAt: new Date(found.finishedOn ?? Date.now()),
      });
    }
    return job;
  }

  async #process(found: Job<QueuedOcrInput, JobSnapshot>, token?: string): Promise<JobSnapshot> {
    const { data } = found;
    const id = found.id ?? "";
    const job = newOcrJob(id, data.about, data.pdf, new Date(data.createdAt));
    this.options.logger.info(
      { jobId: id, attempt: found.attemptsStarted, receiptId: data.about.receiptId },
      "OCR job running on this kernel",
    );
    let unreadable = false;
    let telling: Promise<unknown> = Promise.resolve();
    const tell = () => {
      const snapshot = snapshotOf(job, unreadable);
      telling = telling.then(() => found.updateProgress(snapshot)).catch(() => {});
    };
    let input: Buffer | undefined;
    try {
      input =
        data.image !== null
          ? Buffer.from(data.image, "base64")
          : data.attachment !== null
            ? await this.options.readAttachment(data.attachment)
            : Buffer.alloc(0);
    } catch {
      job.state = "failed";
      job.stage = "failed";
      job.error = {
        code: "DATA_ENTRY_OCR_INPUT_MISSING",
        message: "The file to read is no longer there / Fișierul de citit nu mai există",
      };
      job.finishedAt = this.#now();
      await this.options.hooks?.finished?.(job, data.apply).catch(() => {});
    }
    if (input) {
      await runOcrJob(job, input, {
        pdf: data.pdf,
        reader: this.options.pdf,
        recognizer: this.options.recognizer,
        hooks: this.options.hooks ?? {},
        apply: data.apply,
        now: this.#now,
        opened: (error) => {
          if (error) unreadable = true;
        },
        changed: tell,
      });
    }
    await telling;
    // Cut short because this kernel stops (its pool closed): back in the queue at once,
    // for another kernel (or this one's next instance) to read from the start.
    if (this.#stopping && job.state === "failed" && token !== undefined) {
      await found.moveToWait(token);
      throw new WaitingError();
    }
    // The bytes are not needed any more; the job (and what it read) stays until removed.
    if (data.image !== null) await found.updateData({ ...data, image: null }).catch(() => {});
    return snapshotOf(job, unreadable);
  }

  /**
   * Stops taking jobs and puts this kernel's running ones back in the queue (their
   * recognitions fail as the pool closes, which the caller does beside this), then
   * closes the connections. Never throws.
   */
  async close(): Promise<void> {
    this.#stopping = true;
    await Promise.allSettled([this.#worker?.close(), this.options.pdf.close()]);
    await Promise.allSettled([this.#events.close(), this.#queue.close()]);
    await Promise.allSettled(
      this.#clients.map((client) => client.quit().catch(() => client.disconnect())),
    );
  }
}
