// A bounded pool of tesseract.js workers: each runs the WASM engine in its own worker
// thread, so OCR never blocks the event loop. The pool owns what tesseract.js's own
// scheduler lacks: background start, health, per-job timeouts, recycling (the WASM
// heap only grows), input caps and containment of worker failures.
import { randomUUID } from "node:crypto";
import os from "node:os";
import path from "node:path";
import Tesseract from "tesseract.js";
import {
  DataEntryError,
  OcrJobFailedError,
  OcrQueueFullError,
  OcrTimeoutError,
  OcrUnavailableError,
} from "../errors.js";
import { type OcrLanguage, resolveLangPath } from "./language-data.js";
import {
  type OrientationReading,
  orientationCandidates,
  PREVIEW_LONG_SIDE,
  pickOrientation,
  type Rotation,
  settled,
  worthTryingUpsideDown,
} from "./orientation.js";
import { type OcrPreprocess, prepareImage, rotateImage } from "./prepare-image.js";
import {
  MAX_THREAD_NICE,
  ocrWorkerScript,
  prepareSpawnWithoutPriority,
  ThreadPriorityChannel,
  type ThreadPriorityReport,
  threadPrioritySupported,
} from "./thread-priority.js";
import { linesFromTsv } from "./tsv.js";
import type { OcrResult } from "./types.js";

export interface OcrPoolLogger {
  info(object: Record<string, unknown>, message: string): void;
  warn(object: Record<string, unknown>, message: string): void;
  error(object: Record<string, unknown>, message: string): void;
  debug?(object: Record<string, unknown>, message: string): void;
}

export interface OcrPoolOptions {
  /** Number of workers (each uses one core). Default: cores − 1, at least 1. */
  size?: number;
  /** Languages loaded in every worker. Default `["deu"]`. */
  languages?: OcrLanguage[];
  /** Tesseract page segmentation mode. Default "6" (one uniform block of text). */
  pageSegmentationMode?: string;
  /** Tesseract engine mode. Default 1 (LSTM only; the only model the packages ship). */
  engineMode?: number;
  /** A job running longer is rejected and its worker replaced. Default 60 s. */
  jobTimeoutMs?: number;
  /** A worker is replaced after this many jobs. Default 50. */
  recycleAfterJobs?: number;
  /** Default 20 MiB. */
  maxBytes?: number;
  /** Default 40 megapixels (an A4 page at 600 dpi is ~35). */
  maxPixels?: number;
  /** Jobs waiting beyond this are refused with OcrQueueFullError. Default 100. */
  maxQueue?: number;
  /** Image clean-up before OCR. Default "grayscale-normalize" (measured in docs/ocr.md). */
  preprocess?: OcrPreprocess;
  /**
   * Nice value of the worker threads (0–19; 0 leaves them as they are). Default 10: the
   * event loop wins a core over the OCR engine. Linux only; elsewhere ignored (logged
   * once at debug).
   */
  threadNice?: number;
  /** Where the pool may write (language data when several languages). Default: tmpdir. */
  cacheDir?: string;
  logger?: OcrPoolLogger;
}

export type OcrPoolState = "starting" | "ready" | "failed" | "closed";

export interface OcrPoolStatus {
  state: OcrPoolState;
  workers: { configured: number; ready: number; busy: number; starting: number };
  queued: number;
  completed: number;
  failed: number;
  timedOut: number;
  recycled: number;
  error?: string;
}

export interface OcrJobOptions {
  /** Called with the recognition progress, 0..1, ending with 1. */
  onProgress?: (progress: number) => void;
  /**
   * Overrides the pool's `jobTimeoutMs` for this job (time spent running, not queued;
   * shared by all the passes of a page that is not upright).
   */
  timeoutMs?: number;
}

/** One recognition pass; a job is one or more of them (see `recognize`). */
interface Job {
  id: string;
  image: Buffer;
  /** What is left of the job's budget for this pass. */
  timeoutMs: number;
  /** The job's running-time budget, charged when the pass ends (time queued is free). */
  budget: Budget;
  /** When a worker took the pass (performance.now()). */
  startedAt?: number;
  onProgress?: (progress: number) => void;
  resolve(result: OcrResult): void;
  reject(error: Error): void;
}

interface Budget {
  limitMs: number;
  remainingMs: number;
}

interface Slot {
  index: number;
  worker: Tesseract.Worker | null;
  state: "starting" | "idle" | "busy" | "stopped";
  jobs: number;
  failedStarts: number;
  job: Job | null;
  timer: NodeJS.Timeout | null;
}

const silentLogger: OcrPoolLogger = { info() {}, warn() {}, error() {} };

export function defaultPoolSize(): number {
  return Math.max(1, os.availableParallelism() - 1);
}

export class OcrPool {
  readonly ready: Promise<void>;
  private readonly options: Required<Omit<OcrPoolOptions, "logger">>;
  private readonly logger: OcrPoolLogger;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private state: OcrPoolState = "starting";
  private startError: string | undefined;
  private started = false;
  private langPath = "";
  private resolveReady: () => void = () => {};
  private rejectReady: (error: Error) => void = () => {};
  private counters = { completed: 0, failed: 0, timedOut: 0, recycled: 0 };
  private priority: ThreadPriorityChannel | null = null;
  private priorityLogged = false;

  constructor(options: OcrPoolOptions = {}) {
    this.options = {
      size: Math.max(1, Math.floor(options.size ?? defaultPoolSize())),
      languages: options.languages ?? ["deu"],
      pageSegmentationMode: options.pageSegmentationMode ?? "6",
      engineMode: options.engineMode ?? 1,
      jobTimeoutMs: options.jobTimeoutMs ?? 60_000,
      recycleAfterJobs: Math.max(1, options.recycleAfterJobs ?? 50),
      maxBytes: options.maxBytes ?? 20 * 1024 * 1024,
      maxPixels: options.maxPixels ?? 40_000_000,
      maxQueue: options.maxQueue ?? 100,
      preprocess: options.preprocess ?? "grayscale-normalize",
      threadNice: threadNice(options.threadNice),
      cacheDir: options.cacheDir ?? path.join(os.tmpdir(), "roa2web-ocr"),
    };
    this.logger = options.logger ?? silentLogger;
    this.ready = new Promise<void>((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    // Nobody has to await `ready`: a failed start must not be an unhandled rejection.
    this.ready.catch(() => {});
  }

  /** Starts the workers in the background and returns at once; see `ready`/`status()`. */
  start(): void {
    if (this.started) return;
    this.started = true;
    try {
      this.langPath = resolveLangPath(this.options.languages, this.options.cacheDir);
    } catch (error) {
      this.fail(error);
      return;
    }
    this.startPriority();
    for (let index = 0; index < this.options.size; index++) {
      const slot: Slot = {
        index,
        worker: null,
        state: "starting",
        jobs: 0,
        failedStarts: 0,
        job: null,
        timer: null,
      };
      this.slots.push(slot);
      this.spawn(slot);
    }
  }

  status(): OcrPoolStatus {
    const count = (state: Slot["state"]) =>
      this.slots.filter((slot) => slot.state === state).length;
    return {
      state: this.state,
      workers: {
        configured: this.options.size,
        ready: count("idle") + count("busy"),
        busy: count("busy"),
        starting: count("starting"),
      },
      queued: this.queue.length,
      ...this.counters,
      ...(this.startError === undefined ? {} : { error: this.startError }),
    };
  }

  /** OCRs one image (JPEG, PNG, …). Rejects with a DataEntryError subclass. */
  async recognize(image: Buffer | Uint8Array, options: OcrJobOptions = {}): Promise<OcrResult> {
    this.assertUsable();
    if (this.queue.length >= this.options.maxQueue) {
      throw new OcrQueueFullError(this.options.maxQueue);
    }
    const prepared = await prepareImage(image, this.options, this.options.preprocess);
    const limitMs = options.timeoutMs ?? this.options.jobTimeoutMs;
    const budget: Budget = { limitMs, remainingMs: limitMs };
    const progress = new Progress(options.onProgress);
    const candidates = orientationCandidates(prepared.width, prepared.height);
    let rotation: Rotation = 0;
    let result: OcrResult;
    if (candidates.length === 1) {
      // Upright-shaped, the common case: one pass, and a second only when it read badly.
      result = await this.pass(prepared.data, budget, progress.stage(0, 1));
      if (worthTryingUpsideDown(result.confidence)) {
        const turned = await this.pass(
          await rotateImage(prepared.data, 180),
          budget,
          progress.stage(1, 1),
        );
        if ((turned.confidence ?? -1) > (result.confidence ?? -1)) {
          result = turned;
          rotation = 180;
        }
      }
    } else {
      // Landscape: compare reduced copies turned each way (until one reads well), then
      // read the winner in full.
      const readings: OrientationReading[] = [];
      const timings: number[] = [];
      const share = 0.4 / candidates.length;
      for (const [index, candidate] of candidates.entries()) {
        if (settled(readings)) break;
        const started = performance.now();
        const preview = await rotateImage(prepared.data, candidate, PREVIEW_LONG_SIDE);
        const reading = await this.pass(
          preview,
          budget,
          progress.stage(index * share, (index + 1) * share),
        );
        readings.push({
          rotation: candidate,
          confidence: reading.confidence,
        });
        timings.push(Math.round(performance.now() - started));
      }
      rotation = pickOrientation(readings).rotation;
      this.logger.debug?.(
        { width: prepared.width, height: prepared.height, readings, timings, rotation },
        "OCR compared the orientations of a landscape image",
      );
      const upright = rotation === 0 ? prepared.data : await rotateImage(prepared.data, rotation);
      result = await this.pass(upright, budget, progress.stage(0.4, 1));
    }
    this.logger.debug?.(
      { rotation, confidence: result.confidence, passes: progress.passes },
      "OCR chose the orientation of an image",
    );
    this.counters.completed++;
    progress.done();
    return result;
  }

  /** Queues one recognition pass, charging its running time to the job's budget. */
  private pass(
    image: Buffer,
    budget: Budget,
    onProgress: (progress: number) => void,
  ): Promise<OcrResult> {
    // The pool may have closed (or failed) while the previous pass or sharp ran.
    this.assertUsable();
    if (budget.remainingMs <= 0) {
      this.counters.timedOut++;
      return Promise.reject(new OcrTimeoutError(budget.limitMs));
    }
    return new Promise<OcrResult>((resolve, reject) => {
      const job: Job = {
        id: randomUUID(),
        image,
        timeoutMs: budget.remainingMs,
        budget,
        onProgress,
        resolve,
        reject,
      };
      this.queue.push(job);
      this.dispatch();
    });
  }

  /** Rejects waiting and running jobs and terminates every worker. */
  async close(): Promise<void> {
    if (this.state === "closed") return;
    this.state = "closed";
    this.priority?.close();
    this.rejectReady(new OcrUnavailableError("the pool was closed"));
    const closed = new OcrUnavailableError("the pool was closed");
    for (const job of this.queue.splice(0)) job.reject(closed);
    await Promise.all(
      this.slots.map(async (slot) => {
        if (slot.job) slot.job.reject(closed);
        slot.job = null;
        await this.stopWorker(slot);
        slot.state = "stopped";
      }),
    );
  }

  private assertUsable(): void {
    if (!this.started) throw new OcrUnavailableError("the pool was not started");
    if (this.state === "closed") throw new OcrUnavailableError("the pool was closed");
    if (this.state === "failed") {
      throw new OcrUnavailableError(this.startError ?? "the workers could not start");
    }
  }

  private fail(error: unknown): void {
    this.state = "failed";
    this.startError = error instanceof Error ? error.message : String(error);
    this.logger.error({ err: error }, "OCR pool failed to start");
    const unavailable = new OcrUnavailableError(this.startError, { cause: error });
    this.rejectReady(unavailable);
    for (const job of this.queue.splice(0)) job.reject(unavailable);
  }

  private spawn(slot: Slot): void {
    slot.state = "starting";
    slot.jobs = 0;
    slot.worker = null;
    const { languages, engineMode, pageSegmentationMode } = this.options;
    // Environment data is copied into the thread when createWorker creates it (before
    // its first await).
    if (this.priority) this.priority.prepareSpawn();
    else prepareSpawnWithoutPriority();
    Tesseract.createWorker(languages, engineMode, {
      // Lowers the thread's priority, then runs tesseract.js's own worker script.
      workerPath: ocrWorkerScript(),
      langPath: this.langPath,
      gzip: true,
      // The data is read from the npm package on every start: nothing to cache.
      cacheMethod: "none",
      logger: (message) => {
        if (message.status !== "recognizing text") return;
        slot.job?.onProgress?.(message.progress);
      },
      // Without it a failed job throws inside tesseract.js's message handler, which is
      // an uncaught exception for the whole process (tesseract.js #367, #469). The job's
      // own promise is rejected as well; that is where the pool handles it.
      errorHandler: (error: unknown) => {
        this.logger.warn(
          { worker: slot.index, err: String(error) },
          "OCR worker reported an error",
        );
      },
    })
      .then(async (worker) => {
        try {
          // The thread itself can die (out of memory, a crash in WASM): contain it.
          const thread = (worker as unknown as { worker?: NodeJS.EventEmitter }).worker;
          thread?.on("error", (error: unknown) => this.onThreadDeath(slot, worker, error));
          await worker.setParameters({
            tessedit_pageseg_mode: pageSegmentationMode as Tesseract.PSM,
            // Keeps runs of spaces: receipts align amounts in columns.
            preserve_interword_spaces: "1",
          });
        } catch (error) {
          await worker.terminate().catch(() => {});
          throw error;
        }
        if (this.state === "closed") {
          await worker.terminate();
          return;
        }
        slot.worker = worker;
        slot.state = "idle";
        slot.failedStarts = 0;
        if (this.state === "starting") {
          this.state = "ready";
          this.logger.info({ workers: this.options.size }, "OCR pool ready");
          this.resolveReady();
        }
        this.dispatch();
      })
      .catch((error: unknown) => {
        slot.state = "stopped";
        slot.failedStarts++;
        this.logger.error({ worker: slot.index, err: String(error) }, "OCR worker failed to start");
        if (this.state === "starting") {
          // Give up only when no worker could ever start; otherwise run with fewer.
          if (this.slots.every((other) => other.state === "stopped")) this.fail(error);
          return;
        }
        if (this.state !== "ready" || slot.failedStarts > 5) return;
        // A replacement failed after a good start: try again, backing off up to 30 s.
        const delay = Math.min(30_000, 1000 * 2 ** (slot.failedStarts - 1));
        setTimeout(() => {
          if (this.state === "ready" && slot.state === "stopped") this.spawn(slot);
        }, delay).unref();
      });
  }

  private startPriority(): void {
    const nice = this.options.threadNice;
    if (nice === 0) return;
    if (!threadPrioritySupported()) {
      this.logger.debug?.(
        { platform: process.platform, nice },
        "OCR worker threads keep the normal priority: setting a thread's priority is not supported here",
      );
      return;
    }
    this.priority = new ThreadPriorityChannel(randomUUID(), nice, (report) =>
      this.onPriorityReport(report),
    );
  }

  private onPriorityReport(report: ThreadPriorityReport): void {
    if (report.error !== undefined) {
      // Once: every replacement worker would fail the same way.
      if (this.priorityLogged) return;
      this.priorityLogged = true;
      this.logger.debug?.(
        { err: report.error, nice: this.options.threadNice },
        "OCR worker threads keep the normal priority: lowering it failed",
      );
      return;
    }
    this.logger.debug?.(
      { thread_id: report.threadId, tid: report.tid, nice: report.nice },
      "OCR worker thread runs at a lower priority",
    );
  }

  private dispatch(): void {
    if (this.state === "closed" || this.state === "failed") return;
    for (const slot of this.slots) {
      if (slot.state !== "idle" || slot.worker === null) continue;
      const job = this.queue.shift();
      if (!job) return;
      this.run(slot, slot.worker, job);
    }
  }

  private run(slot: Slot, worker: Tesseract.Worker, job: Job): void {
    slot.state = "busy";
    slot.job = job;
    job.startedAt = performance.now();
    job.onProgress?.(0);
    slot.timer = setTimeout(() => {
      this.counters.timedOut++;
      this.logger.warn(
        { worker: slot.index, job: job.id, timeoutMs: job.timeoutMs },
        "OCR job timed out; replacing its worker",
      );
      this.finishJob(slot, job);
      job.reject(new OcrTimeoutError(job.budget.limitMs));
      void this.replace(slot);
    }, job.timeoutMs);

    worker
      .recognize(sharedCopy(job.image), {}, { text: true, tsv: true }, job.id)
      .then((result) => {
        if (slot.job !== job) return; // timed out or closed meanwhile
        this.finishJob(slot, job);
        job.onProgress?.(1);
        job.resolve(toResult(result.data));
        slot.jobs++;
        if (slot.jobs >= this.options.recycleAfterJobs) {
          this.counters.recycled++;
          void this.replace(slot);
        } else {
          slot.state = "idle";
          this.dispatch();
        }
      })
      .catch((error: unknown) => {
        if (slot.job !== job) return;
        this.finishJob(slot, job);
        this.counters.failed++;
        job.reject(
          error instanceof DataEntryError
            ? error
            : new OcrJobFailedError(String(error), { cause: error }),
        );
        // A worker that failed a job may be in any state: start from a clean one.
        void this.replace(slot);
      });
  }

  private finishJob(slot: Slot, job: Job): void {
    if (job.startedAt !== undefined) {
      job.budget.remainingMs -= performance.now() - job.startedAt;
      job.startedAt = undefined;
    }
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    if (slot.job === job) slot.job = null;
  }

  private onThreadDeath(slot: Slot, worker: Tesseract.Worker, error: unknown): void {
    if (slot.worker !== worker) return;
    this.logger.error({ worker: slot.index, err: String(error) }, "OCR worker thread died");
    const job = slot.job;
    if (job) {
      this.finishJob(slot, job);
      this.counters.failed++;
      job.reject(new OcrJobFailedError("the OCR worker thread died", { cause: error }));
    }
    void this.replace(slot);
  }

  private async replace(slot: Slot): Promise<void> {
    slot.state = "starting";
    await this.stopWorker(slot);
    if (this.state === "closed") {
      slot.state = "stopped";
      return;
    }
    this.spawn(slot);
  }

  private async stopWorker(slot: Slot): Promise<void> {
    const worker = slot.worker;
    slot.worker = null;
    if (!worker) return;
    try {
      await worker.terminate();
    } catch (error) {
      this.logger.warn({ worker: slot.index, err: String(error) }, "OCR worker did not terminate");
    }
  }
}

/**
 * The image in shared memory: tesseract.js hands a Buffer to its worker with
 * `postMessage`, which serialises a copy of every byte on the event loop (~10 ms for a
 * scan's PNG, measured with --cpu-prof). A SharedArrayBuffer crosses by reference, and
 * tesseract.js wraps an ArrayBuffer in a Uint8Array without copying it.
 */
function sharedCopy(image: Buffer): Buffer {
  const shared = new SharedArrayBuffer(image.byteLength);
  new Uint8Array(shared).set(image);
  // Its types list Buffer, not ArrayBuffer; its Node loadImage takes any value to
  // `new Uint8Array(value)`, a view (no copy) when the value is an ArrayBuffer.
  return shared as unknown as Buffer;
}

function threadNice(value: number | undefined): number {
  const nice = value ?? 10;
  if (!Number.isInteger(nice) || nice < 0 || nice > MAX_THREAD_NICE) {
    throw new RangeError(`threadNice must be a whole number from 0 to ${MAX_THREAD_NICE}`);
  }
  return nice;
}

function toResult(page: Tesseract.Page): OcrResult {
  return { text: page.text, confidence: page.confidence, lines: linesFromTsv(page.tsv ?? "") };
}

/**
 * A job's progress over its passes: each pass reports 0..1 into its stage of the job's
 * 0..1, never backwards; 1 only once the job is done.
 */
class Progress {
  passes = 0;
  private last = -1;

  constructor(private readonly onProgress: ((progress: number) => void) | undefined) {}

  stage(from: number, to: number): (progress: number) => void {
    this.passes++;
    return (progress) => this.report(from + (to - from) * Math.min(1, Math.max(0, progress)));
  }

  done(): void {
    this.last = 1;
    this.onProgress?.(1);
  }

  private report(value: number): void {
    const capped = Math.min(value, 0.99);
    if (capped <= this.last) return;
    this.last = capped;
    this.onProgress?.(capped);
  }
}
