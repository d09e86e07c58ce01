/**
 * Following an OCR job: the one place that knows how progress arrives.
 *
 * It reads `GET /api/data-entry/ocr/:job_id/events` (Server-Sent Events, shapes from
 * `ocrJobEvent` in src/views.ts): `progress` {job_id, status, progress, stage},
 * `done` (the job as `GET /ocr/:job_id` answers it: fields, applied, …) and `failed`
 * {job_id, error: {code, message}}. Only when the events endpoint answers 404 (a
 * server without it) does it poll `GET /api/data-entry/ocr/:job_id` every 700 ms.
 * A `reconnect` event (the serving kernel or plugin instance stops: a hand-over, a
 * reload) ends the stream on purpose: it opens the stream again after `retry_ms`, and
 * if the job is then unknown (it ran in the kernel that stopped) says so with
 * OcrJobLostError, so the page can reload the receipt instead of showing an error.
 * Everything stops on done, failed, or the caller's abort signal (the element left
 * the page).
 *
 * The shell's `api`/`readEvents` come in as a `transport`, so this logic runs in
 * node tests without a browser.
 */
import { amountText } from "./form-rules.js";
import type { OcrFields, OcrJob, OcrState } from "./types.js";

export const OCR_BASE = "/api/data-entry/ocr";
export const RECEIPTS_BASE = "/api/data-entry/receipts";
export const POLL_INTERVAL_MS = 700;

export interface OcrProgress {
  state: OcrState;
  /** 0..1 */
  progress: number;
  /** What the engine is doing: queued, recognizing, extracting, applying, done. */
  stage?: string | undefined;
}

/** The calls this module needs; the UI passes the shell's `api` and `readEvents`. */
export interface OcrTransport {
  get<T>(path: string, options: { signal?: AbortSignal }): Promise<T>;
  post<T>(path: string, body: unknown): Promise<T>;
  events(
    path: string,
    onEvent: (event: { event: string; data: unknown }) => void,
    signal?: AbortSignal,
  ): Promise<void>;
  /** Waits `ms` (a timer in the browser); resolves early when the signal aborts. */
  sleep?(ms: number, signal: AbortSignal): Promise<void>;
}

/** The job ended in `failed`; `message` is the server's error, `code` its stable code. */
export class OcrFailedError extends Error {
  override readonly name = "OcrFailedError";

  constructor(
    message: string,
    /** `DATA_ENTRY_OCR_TIMEOUT`, …: the UI words it in the user's language. */
    readonly code?: string,
  ) {
    super(message);
  }

  /** From a failed job's `error` ({code, message}), whatever reached us. */
  static of(error: unknown): OcrFailedError {
    const code = (error as { code?: unknown } | null)?.code;
    return new OcrFailedError(errorMessage(error), typeof code === "string" ? code : undefined);
  }
}

/**
 * After a reconnect the job is unknown: it was held by a kernel (or plugin instance)
 * that stopped. Not a failure of the reading: the receipt says what happens next.
 */
export class OcrJobLostError extends Error {
  override readonly name = "OcrJobLostError";
}

/** Reconnect attempts in a row that may fail (no server answering for a moment). */
export const RECONNECT_ATTEMPTS = 10;

/** Starting answered that OCR is switched off on this server (503 SERVICE_UNAVAILABLE). */
export class OcrDisabledError extends Error {
  override readonly name = "OcrDisabledError";
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" ? status : undefined;
}

function isAbort(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === "AbortError";
}

function abortError(): Error {
  const error = new Error("aborted");
  error.name = "AbortError";
  return error;
}

/**
 * `POST /receipts/:id/ocr {attachment_id, overwrite}` → the job id. The server fills
 * the receipt's empty fields (all of them with `overwrite`) when the job is done.
 * OcrDisabledError when OCR is off (503).
 */
export async function startReceiptOcr(
  transport: OcrTransport,
  receiptId: number,
  attachmentId: string,
  overwrite = false,
): Promise<string> {
  try {
    const body = await transport.post<{ job_id: string }>(`${RECEIPTS_BASE}/${receiptId}/ocr`, {
      attachment_id: attachmentId,
      overwrite,
    });
    return body.job_id;
  } catch (error) {
    if (statusOf(error) === 503) throw new OcrDisabledError((error as Error).message);
    throw error;
  }
}

/** The message of a job's `error` ({code, message}), whatever reached us. */
function errorMessage(error: unknown): string {
  if (
    error &&
    typeof error === "object" &&
    typeof (error as { message?: unknown }).message === "string"
  ) {
    return (error as { message: string }).message;
  }
  return typeof error === "string" && error !== "" ? error : "OCR failed";
}

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

type StreamOutcome =
  | { kind: "done"; job: OcrJob }
  | { kind: "failed"; error: OcrFailedError }
  | { kind: "fallback" }
  | { kind: "reconnect"; afterMs: number };

async function viaEvents(
  jobId: string,
  transport: OcrTransport,
  onProgress: (progress: OcrProgress) => void,
  signal: AbortSignal,
): Promise<StreamOutcome> {
  const stop = new AbortController();
  const forward = () => stop.abort();
  signal.addEventListener("abort", forward, { once: true });
  let outcome: StreamOutcome | undefined;
  try {
    await transport.events(
      `${OCR_BASE}/${encodeURIComponent(jobId)}/events`,
      ({ event, data }) => {
        if (outcome) return;
        if (event === "progress") {
          const body = (data ?? {}) as { status?: OcrState; progress?: number; stage?: string };
          onProgress({
            state: body.status ?? "running",
            progress: typeof body.progress === "number" ? body.progress : 0,
            stage: body.stage,
          });
        } else if (event === "done") {
          outcome = { kind: "done", job: { ...(data as OcrJob), job_id: jobId } };
          stop.abort();
        } else if (event === "failed") {
          outcome = {
            kind: "failed",
            error: OcrFailedError.of((data as { error?: unknown })?.error),
          };
          stop.abort();
        } else if (event === "reconnect") {
          const retry = (data as { retry_ms?: unknown } | null)?.retry_ms;
          outcome = { kind: "reconnect", afterMs: typeof retry === "number" ? retry : 1000 };
        }
      },
      stop.signal,
    );
  } catch (error) {
    if (signal.aborted) throw abortError();
    if (outcome) return outcome;
    // A server without the events endpoint: poll instead. Anything else is an error.
    if (statusOf(error) === 404) return { kind: "fallback" };
    throw error;
  } finally {
    signal.removeEventListener("abort", forward);
  }
  if (signal.aborted) throw abortError();
  if (outcome) return outcome;
  throw new Error("The OCR event stream ended before the job did");
}

async function viaPolling(
  jobId: string,
  transport: OcrTransport,
  onProgress: (progress: OcrProgress) => void,
  signal: AbortSignal,
  intervalMs: number,
): Promise<OcrJob> {
  const sleep = transport.sleep ?? defaultSleep;
  for (;;) {
    if (signal.aborted) throw abortError();
    const job = await transport.get<OcrJob>(`${OCR_BASE}/${encodeURIComponent(jobId)}`, {
      signal,
    });
    onProgress({ state: job.state, progress: job.progress, stage: job.stage });
    if (job.state === "done") return job;
    if (job.state === "failed") throw OcrFailedError.of(job.error);
    await sleep(intervalMs, signal);
  }
}

/**
 * Follows a job to its end: resolves with the done job (its `fields` and `applied`),
 * rejects with OcrFailedError when it failed, with an AbortError when `signal` aborts,
 * or with the transport's error (a job that no longer exists: 404 from the poll).
 */
export async function followOcrJob(
  jobId: string,
  options: {
    transport: OcrTransport;
    onProgress: (progress: OcrProgress) => void;
    signal: AbortSignal;
    pollIntervalMs?: number;
  },
): Promise<OcrJob> {
  const { transport, onProgress, signal } = options;
  const sleep = transport.sleep ?? defaultSleep;
  let streamed: StreamOutcome | undefined;
  let reconnecting = false;
  for (let failures = 0; ; ) {
    let outcome: StreamOutcome;
    try {
      outcome = await viaEvents(jobId, transport, onProgress, signal);
    } catch (error) {
      // Between two kernels (a hand-over) the server may not answer for a moment.
      if (!reconnecting || isAbort(error) || failures >= RECONNECT_ATTEMPTS) throw error;
      failures += 1;
      await sleep(1000, signal);
      continue;
    }
    if (outcome.kind === "reconnect") {
      reconnecting = true;
      failures = 0;
      await sleep(outcome.afterMs, signal);
      if (signal.aborted) throw abortError();
      continue;
    }
    // The kernel (or instance) that ran the job stopped and the next one does not know it.
    if (outcome.kind === "fallback" && reconnecting) {
      throw new OcrJobLostError(`OCR job ${jobId} ended with the server that ran it`);
    }
    streamed = outcome;
    break;
  }
  if (streamed.kind === "failed") throw streamed.error;
  if (streamed.kind === "done") return streamed.job;
  return viaPolling(
    jobId,
    transport,
    onProgress,
    signal,
    options.pollIntervalMs ?? POLL_INTERVAL_MS,
  );
}

/** The OCR fields as form text, for the confirm step (the ones not found are left out). */
export function proposedFields(
  fields: OcrFields,
  decimal: "," | "." = ".",
): Array<{ field: "merchant" | "tax_id" | "date" | "total" | "vat" | "currency"; value: string }> {
  const out: Array<{
    field: "merchant" | "tax_id" | "date" | "total" | "vat" | "currency";
    value: string;
  }> = [];
  for (const field of ["merchant", "tax_id", "date", "total", "vat", "currency"] as const) {
    const value = fields[field];
    if (value === null || value === undefined || value === "") continue;
    out.push({
      field,
      value: typeof value === "number" ? amountText(value, decimal) : String(value),
    });
  }
  return out;
}
