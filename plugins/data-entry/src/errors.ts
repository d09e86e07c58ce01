// The data-entry error catalogue: every error has a stable code and the HTTP status a
// route should answer with, so one error handler can turn them into responses later.

export class DataEntryError extends Error {
  readonly code: string;
  readonly statusCode: number;

  constructor(code: string, statusCode: number, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.statusCode = statusCode;
  }
}

/** The image is larger than the pool accepts (bytes or pixels). */
export class OcrInputTooLargeError extends DataEntryError {
  readonly limit: "bytes" | "pixels";
  readonly actual: number;
  readonly maximum: number;

  constructor(limit: "bytes" | "pixels", actual: number, maximum: number) {
    super(
      "DATA_ENTRY_OCR_INPUT_TOO_LARGE",
      413,
      `Image too large: ${actual} ${limit}, the limit is ${maximum} ${limit}`,
    );
    this.limit = limit;
    this.actual = actual;
    this.maximum = maximum;
  }
}

/** The input is not an image the OCR can read. */
export class OcrInvalidImageError extends DataEntryError {
  constructor(reason: string, options?: ErrorOptions) {
    super("DATA_ENTRY_OCR_INVALID_IMAGE", 400, `Not a readable image: ${reason}`, options);
  }
}

/** A job ran longer than the per-job timeout; its worker was terminated and replaced. */
export class OcrTimeoutError extends DataEntryError {
  constructor(timeoutMs: number) {
    super("DATA_ENTRY_OCR_TIMEOUT", 504, `OCR job took longer than ${timeoutMs} ms`);
  }
}

/** The OCR engine failed on this job (the worker is replaced). */
export class OcrJobFailedError extends DataEntryError {
  constructor(reason: string, options?: ErrorOptions) {
    super("DATA_ENTRY_OCR_FAILED", 500, `OCR failed: ${reason}`, options);
  }
}

/** Too many jobs waiting; the caller should retry later. */
export class OcrQueueFullError extends DataEntryError {
  constructor(maximum: number) {
    super("DATA_ENTRY_OCR_QUEUE_FULL", 503, `OCR queue full (${maximum} jobs waiting)`);
  }
}

/** The pool could not start its workers, or was closed. */
export class OcrUnavailableError extends DataEntryError {
  constructor(reason: string, options?: ErrorOptions) {
    super("DATA_ENTRY_OCR_UNAVAILABLE", 503, `OCR unavailable: ${reason}`, options);
  }
}
