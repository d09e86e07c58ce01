// The data-entry error catalogue: every error has a stable code and the HTTP status a
// route should answer with, so one error handler can turn them into responses later.

import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  RoaError,
  UnsupportedMediaTypeError,
  ValidationError,
} from "@roa2web/plugin-sdk";
import {
  type ReceiptStatus,
  type ReviewConflict,
  refusalMessage,
  type WorkflowAction,
} from "./workflow.js";

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

/** pdfjs could not parse the PDF (damaged, not a PDF inside, too complex to read in time). */
export class OcrPdfUnreadableError extends DataEntryError {
  constructor(reason: string, options?: ErrorOptions) {
    super("DATA_ENTRY_OCR_PDF_UNREADABLE", 422, `The PDF could not be read: ${reason}`, options);
  }
}

/** The PDF needs a password to open: OCR cannot read it (nor can anyone without it). */
export class OcrPdfEncryptedError extends DataEntryError {
  constructor(options?: ErrorOptions) {
    super(
      "DATA_ENTRY_OCR_PDF_ENCRYPTED",
      422,
      "The PDF is protected by a password: save it without one (or as an image) and try again",
      options,
    );
  }
}

/** The PDF opened, but its first pages have neither text nor an image to read. */
export class OcrPdfEmptyError extends DataEntryError {
  constructor(pages: number) {
    super(
      "DATA_ENTRY_OCR_PDF_EMPTY",
      422,
      `The PDF has no text and no readable image on its first ${pages === 1 ? "page" : `${pages} pages`}`,
    );
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

// The plugin's HTTP errors: subclasses of the SDK catalogue, so they keep its stable
// codes and statuses and the kernel's one error handler answers them.

export class ReceiptNotFoundError extends NotFoundError {
  constructor(id: number) {
    super(`No receipt with id ${id}`, { details: { id } });
  }
}

export class AttachmentNotFoundError extends NotFoundError {
  constructor(id: string) {
    super(`No attachment with id ${id}`, { details: { id } });
  }
}

/**
 * An attachment whose row exists but whose bytes are nowhere this kernel reaches: no
 * chunks in the database and no file in its folder (an install copied to PostgreSQL
 * whose files stayed on the first machine, a folder lost or not mounted). 404 rather
 * than 410: the bytes may come back (the folder mounted, restored or moved in, ADR
 * 0031); its own code tells it from an attachment that does not exist.
 */
export class AttachmentBytesMissingError extends RoaError {
  static readonly code = "ATTACHMENT_BYTES_MISSING";

  constructor(id: string) {
    super(
      AttachmentBytesMissingError.code,
      404,
      `The file of attachment ${id} is not stored where this server can read it: ask the administrator to restore it`,
      { details: { id } },
    );
  }
}

/** A company the ERP does not have: 404 wherever it is named, like the kernel's /api/calendar. */
export class UnknownCompanyError extends NotFoundError {
  constructor(companyId: number) {
    super(`No company with id ${companyId}`, { details: { company: companyId } });
  }
}

/** Approving a receipt dated in an accounting period the ERP has closed. */
export class PeriodClosedError extends ConflictError {
  constructor(receiptId: number, period: string) {
    super(`Receipt ${receiptId} is dated in ${period}, a closed accounting period`, {
      details: { id: receiptId, period, reason: "period_closed" },
    });
  }
}

/** A field that passed the JSON schema but breaks a rule (total > 0, date not in the future…). */
export class InvalidFieldError extends ValidationError {
  constructor(field: string, message: string) {
    super(`${field} ${message}`, { details: { field } });
  }
}

/** An APPROVED or PENDING receipt is frozen: no edits, no deletes, no new entries. */
export class ReceiptLockedError extends ConflictError {
  constructor(id: number, status: string) {
    super(`Receipt ${id} is ${status} and cannot be changed`, { details: { id, status } });
  }
}

export class TransitionNotAllowedError extends ConflictError {
  constructor(
    id: number,
    status: ReceiptStatus,
    action: WorkflowAction,
    allowed: ReadonlyArray<{ action: string; to: string }>,
  ) {
    super(
      refusalMessage(status, action) ?? `Receipt ${id} is ${status}: ${action} is not possible`,
      {
        details: { id, status, action, allowed },
      },
    );
  }
}

/** DATA_ENTRY_APPROVER_NOT_CREATOR: the caller created or submitted the receipt. */
export class ReviewerIsAuthorError extends ForbiddenError {
  constructor(id: number, action: WorkflowAction, role: ReviewConflict) {
    super(
      `You ${role === "creator" ? "created" : "submitted"} receipt ${id}: another person must ${action === "reject" ? "reject" : "approve"} it`,
      { details: { id, action, role, reason: "DATA_ENTRY_REVIEWER_IS_AUTHOR" } },
    );
  }
}

export class UnbalancedEntriesError extends ConflictError {
  constructor(debit: number, credit: number, lines: number) {
    super(
      lines === 0
        ? "A receipt needs at least one accounting entry before it is submitted"
        : `Debits (${debit.toFixed(2)}) and credits (${credit.toFixed(2)}) must be equal before the receipt is submitted`,
      { details: { debit, credit, lines } },
    );
  }
}

/** A DRAFT created from a photo (or still waiting for OCR) lacks fields a submitted receipt needs. */
export class IncompleteReceiptError extends ConflictError {
  constructor(id: number, missing: readonly string[]) {
    super(`Receipt ${id} still lacks ${missing.join(", ")}: enter them first`, {
      details: { id, missing },
    });
  }
}

export class UnknownAccountsError extends ValidationError {
  constructor(companyId: number, accounts: readonly string[]) {
    super(`The ERP chart of company ${companyId} has no account ${accounts.join(", ")}`, {
      details: { field: "entries", accounts },
    });
  }
}

/** The receipt already has DATA_ENTRY_MAX_ATTACHMENTS attachments. */
export class TooManyAttachmentsError extends ConflictError {
  constructor(id: number, max: number) {
    super(`Receipt ${id} already has ${max} attachments, the most one receipt may have`, {
      details: { id, max, reason: "DATA_ENTRY_TOO_MANY_ATTACHMENTS" },
    });
  }
}

export class UnsupportedAttachmentError extends UnsupportedMediaTypeError {
  constructor() {
    super("Only JPEG, PNG and PDF files are accepted (recognised from their content)", {
      details: { accepted: ["image/jpeg", "image/png", "application/pdf"] },
    });
  }
}

/** An OCR start on a PDF that cannot be opened (damaged, password): 400 with the reason's code. */
export class UnreadablePdfError extends BadRequestError {
  constructor(reason: DataEntryError) {
    super(reason.message, { details: { reason: reason.code } });
  }
}

/**
 * A receipt not in lei whose date has no BNR rate in the ERP (before its rates start, a
 * currency it has no rates for, or rates that stop more than a week earlier): booking it
 * would mean guessing the amount in lei.
 */
export class NoExchangeRateError extends RoaError {
  static readonly code = "NO_EXCHANGE_RATE";

  constructor(currency: string, date: string) {
    super(
      NoExchangeRateError.code,
      400,
      `The ERP has no BNR rate for ${currency} on ${date} or the days before it: correct the date or currency, or ask for the rate to be added to the ERP`,
      { details: { field: "date", currency, date } },
    );
  }
}

/** A receipt not in lei whose entries were not proposed at a rate since its date or currency changed. */
export class EntriesNotInLeiError extends RoaError {
  static readonly code = "ENTRIES_NOT_IN_LEI";

  constructor(id: number, currency: string) {
    super(
      EntriesNotInLeiError.code,
      409,
      `Receipt ${id} is in ${currency}: propose its entries again so they are booked in lei at the BNR rate of its date`,
      { details: { id, currency } },
    );
  }
}
