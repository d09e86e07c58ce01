/**
 * `ReceiptOcr`: one receipt's OCR run, as a controller of the page — start a job on an
 * attachment, follow it live (Server-Sent Events, or polling), stop it, and what the
 * page shows meanwhile (`view`). When a job is done the page's `onDone` reloads the
 * receipt and decides what is offered; a failure is kept described for the reader.
 */
import {
  api,
  describeError,
  type ErrorDescription,
  type ReactiveController,
  type ReactiveControllerHost,
  readEvents,
} from "@roa2web/ui-shell/api";
import {
  followOcrJob,
  OcrDisabledError,
  OcrJobLostError,
  type OcrProgress,
  type OcrTransport,
  RECEIPTS_BASE,
  startReceiptOcr,
} from "../ocr-progress.js";
import type { Attachment, OcrFields, OcrJob, ReceiptDetail } from "../types.js";

/** How often, and how many times, a receipt whose job was lost is read again. */
const LOST_JOB_CHECK_MS = 1000;
const LOST_JOB_CHECKS = 120;

/** Failures are worded with this plugin's texts for its codes. */
const OPTIONS = { plugin: "data-entry" };

const transport: OcrTransport = {
  get: (path, options) => api.get(path, options),
  post: (path, body) => api.post(path, body),
  events: readEvents,
};

/** The attachment is unknown when the page picks up a job already running (a reload). */
export type OcrView =
  | { phase: "idle" }
  | { phase: "running"; attachment: Attachment | undefined; progress: OcrProgress }
  | {
      phase: "done";
      attachment: Attachment | undefined;
      fields: OcrFields | null;
      /** What the server wrote into the receipt, and why nothing when it could not. */
      filled: string[];
      applyError: string | null;
    }
  | { phase: "failed"; attachment: Attachment | undefined; error: ErrorDescription };

export class ReceiptOcr implements ReactiveController {
  /** Learnt from a 503 on start: this server has OCR switched off (until a reload). */
  static switchedOff = false;

  #view: OcrView = { phase: "idle" };
  #controller: AbortController | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    /** The job is done: the page reloads the receipt and shows what was read. */
    private readonly onDone: (job: OcrJob, attachment: Attachment | undefined) => Promise<void>,
  ) {
    host.addController(this);
  }

  get view(): OcrView {
    return this.#view;
  }

  /** Shows `view` (the page's verdict after a job, or idle once everything is taken). */
  show(view: OcrView): void {
    this.#view = view;
    this.host.requestUpdate();
  }

  get running(): boolean {
    return this.#view.phase === "running";
  }

  /** Stops following the job (the server's job goes on) and hides the panel. */
  stop(): void {
    this.#controller?.abort();
    this.show({ phase: "idle" });
  }

  /** The receipt's OCR job once it is another than `lost` (undefined if none comes). */
  async #jobAfter(
    receiptId: number,
    lost: string,
    signal: AbortSignal,
  ): Promise<string | undefined> {
    for (let check = 0; check < LOST_JOB_CHECKS && !signal.aborted; check += 1) {
      const receipt = await transport.get<ReceiptDetail>(`${RECEIPTS_BASE}/${receiptId}`, {
        signal,
      });
      if (receipt.ocr_job_id !== null && receipt.ocr_job_id !== lost) return receipt.ocr_job_id;
      if (receipt.ocr_status !== "pending") return undefined;
      await new Promise((resolve) => setTimeout(resolve, LOST_JOB_CHECK_MS));
    }
    return undefined;
  }

  hostDisconnected(): void {
    this.#controller?.abort();
  }

  /** "Citește cu OCR": the server reads the attachment and fills the receipt's fields. */
  async run(receiptId: number, attachment: Attachment, overwrite: boolean): Promise<void> {
    this.#controller?.abort();
    this.show({ phase: "running", attachment, progress: { state: "queued", progress: 0 } });
    let jobId: string;
    try {
      jobId = await startReceiptOcr(transport, receiptId, attachment.id, overwrite);
    } catch (error) {
      if (error instanceof OcrDisabledError) {
        ReceiptOcr.switchedOff = true;
        this.show({ phase: "idle" });
        return;
      }
      this.show({ phase: "failed", attachment, error: describeError(error, undefined, OPTIONS) });
      return;
    }
    await this.follow(jobId, attachment, receiptId);
  }

  /**
   * Shows a job's progress live, then hands the finished job to the page. A job lost
   * with the kernel that ran it (a hand-over) is not an error: the receipt is read again
   * until another kernel has taken its OCR up (a new job id), which is followed.
   */
  async follow(
    jobId: string,
    attachment: Attachment | undefined,
    receiptId?: number,
  ): Promise<void> {
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    this.show({ phase: "running", attachment, progress: { state: "queued", progress: 0 } });
    try {
      const job = await followOcrJob(jobId, {
        transport,
        signal: controller.signal,
        onProgress: (progress) => {
          if (!controller.signal.aborted) this.show({ phase: "running", attachment, progress });
        },
      });
      if (controller.signal.aborted) return;
      await this.onDone(job, attachment);
    } catch (error) {
      if (controller.signal.aborted) return;
      if (error instanceof OcrDisabledError) {
        ReceiptOcr.switchedOff = true;
        this.show({ phase: "idle" });
        return;
      }
      if (error instanceof OcrJobLostError && receiptId !== undefined) {
        const next = await this.#jobAfter(receiptId, jobId, controller.signal).catch(
          () => undefined,
        );
        if (controller.signal.aborted) return;
        if (next !== undefined) return this.follow(next, attachment, receiptId);
      }
      // A job that ended `failed` (its code worded by this plugin's texts), or a failed
      // call while following it: the shell says which in the user's words.
      this.show({ phase: "failed", attachment, error: describeError(error, undefined, OPTIONS) });
    }
  }
}
