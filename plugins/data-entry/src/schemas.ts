/**
 * JSON schemas of every route: Fastify validates requests and serialises answers with
 * them (properties not listed are dropped), and /api/docs shows them. Each is written
 * once, `as const`: the routes take their request and answer types from them through
 * the TypeBox type provider (TypeBox's `Static` reads a plain JSON schema too, ADR
 * 0022), and the bodies' types below are derived the same way, so a shape and its
 * type cannot drift apart.
 */
import {
  errorResponses as errorAnswers,
  errorResponseSchema,
  MAX_PAGE_SIZE,
  multiLineText,
  pageQuery as pageQueryOf,
  pageSchema,
  type Static,
  singleLineText,
} from "@roa2web/plugin-sdk";
import { ATTACHMENT_TYPES } from "./attachment-rules.js";
import { ENTRY_SIDES, PAYMENT_METHODS } from "./entries.js";
import { MERCHANT_MAX_LENGTH, NOTES_MAX_LENGTH, TAX_ID_MAX_LENGTH } from "./receipt-rules.js";
import { RECEIPT_STATUSES, WORKFLOW_ACTIONS } from "./workflow.js";

const errorResponses = errorAnswers(400, 401, 403, 404);
const withConflict = errorAnswers(400, 401, 403, 404, 409);

/**
 * A JSON-schema object that may also be `null`, as one `type` list (`["object", "null"]`,
 * what the answers always said). TypeBox's `Static` reads a `type` list of primitives but
 * drops the `null` of an object's, so the constant is typed as the equivalent
 * `anyOf [object, null]`, which it reads as `T | null`; the value is the schema as it was.
 */
function nullable<const S extends { type: "object" }>(schema: S) {
  return { ...schema, type: ["object", "null"] } as unknown as {
    readonly anyOf: readonly [S, { readonly type: "null" }];
  };
}

const TAGS = ["data-entry"] as const;

/** The upload forms' fields, for /api/docs (`multipartBody` is documented, never validated). */
const uploadedFile = (what: string) =>
  ({
    type: "string",
    format: "binary",
    description: `${what}: JPEG, PNG or PDF, recognised from its content (not its name or type); at most DATA_ENTRY_MAX_UPLOAD_BYTES (413 beyond). Only the first file part is read.`,
  }) as const;
const formCompany = (description: string) =>
  ({ type: "integer", minimum: 1, description }) as const;
const money = { type: "number", exclusiveMinimum: 0, maximum: 1_000_000_000_000 } as const;
const dateString = { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}$" } as const;
const accountCode = { type: "string", pattern: "^\\s*\\d{3,4}(\\.[0-9A-Za-z]+)?\\s*$" } as const;

const receiptFieldProperties = {
  merchant: singleLineText({ minLength: 1, maxLength: MERCHANT_MAX_LENGTH }),
  tax_id: {
    ...singleLineText({ maxLength: TAX_ID_MAX_LENGTH }),
    description:
      "Empty, a Romanian CUI with a valid control digit (RO optional) or a foreign VAT id with its country prefix",
  },
  date: { ...dateString, description: "YYYY-MM-DD, not in the future" },
  total: { ...money, description: "Total with VAT, greater than 0" },
  vat: { type: "number", minimum: 0, maximum: 1_000_000_000_000, description: "0 ≤ vat ≤ total" },
  currency: {
    type: "string",
    pattern: "^\\s*[A-Za-z]{3}\\s*$",
    description: "An ISO 4217 code, e.g. RON or EUR (case does not matter; stored upper-case)",
  },
  notes: { ...multiLineText({ maxLength: NOTES_MAX_LENGTH }), type: ["string", "null"] },
} as const;

const transitionChoice = {
  type: "object",
  required: ["action", "to"],
  properties: {
    action: { type: "string", enum: WORKFLOW_ACTIONS },
    to: { type: "string", enum: RECEIPT_STATUSES },
  },
} as const;

const receiptProperties = {
  id: { type: "integer" },
  company_id: { type: "integer" },
  status: { type: "string", enum: RECEIPT_STATUSES },
  merchant: { type: ["string", "null"], description: "null while a DRAFT waits for OCR or typing" },
  tax_id: { type: "string" },
  date: { type: ["string", "null"] },
  total: { type: ["number", "null"] },
  vat: { type: ["number", "null"] },
  currency: { type: ["string", "null"] },
  notes: { type: ["string", "null"] },
  created_by: { type: "string" },
  created_at: { type: "string", format: "date-time" },
  updated_at: { type: "string", format: "date-time" },
  rejection_reason: { type: ["string", "null"] },
  missing_fields: {
    type: "array",
    items: { type: "string" },
    description: "What must still be entered before submitting (empty when complete)",
  },
  ocr_status: { type: ["string", "null"], enum: ["pending", "done", "failed", null] },
  ocr_job_id: { type: ["string", "null"] },
  allowed_transitions: { type: "array", items: transitionChoice },
  exchange: nullable({
    type: "object",
    description:
      "The BNR rate the entries of a receipt not in lei were proposed with (null: in lei, or not proposed since the date or currency changed)",
    required: ["currency", "rate", "multiplier", "rate_date", "total_ron", "vat_ron"],
    properties: {
      currency: { type: "string" },
      rate: { type: "number", description: "Lei for `multiplier` units, as BNR quotes it" },
      multiplier: { type: "integer", description: "1, or 100 for HUF" },
      rate_date: { type: "string", description: "The day BNR published the rate" },
      total_ron: { type: ["number", "null"] },
      vat_ron: { type: ["number", "null"] },
    },
  }),
  warnings: {
    type: "array",
    items: { type: "string", enum: ["TAX_ID_INVALID"] },
    description:
      "Stored values that need the user's attention (OCR fills a tax id that fails its check)",
  },
} as const;

/** Every field of a receipt is always in the answer (null when empty). */
const receiptRequired = Object.keys(receiptProperties) as unknown as readonly [
  keyof typeof receiptProperties,
];

export const receiptSchema = {
  type: "object",
  required: receiptRequired,
  properties: receiptProperties,
} as const;

const transitionSchema = {
  type: "object",
  required: ["event", "from", "to", "by", "at", "reason", "note"],
  properties: {
    event: {
      type: "string",
      enum: ["created", "status", "note"],
      description: "created; status: a move from `from` to `to`; note: the status did not change",
    },
    from: { type: ["string", "null"], description: "null when the receipt was created" },
    to: { type: "string" },
    by: { type: "string" },
    at: { type: "string", format: "date-time" },
    reason: {
      type: ["string", "null"],
      description: "The reason given, or a note's text in DATA_ENTRY_RECORDS_LANGUAGE",
    },
    note: nullable({
      type: "object",
      description: "A note as a code and its parameters, e.g. ocr_filled {confidence, fields}",
      required: ["code", "params"],
      properties: {
        code: { type: "string" },
        params: { type: "object", additionalProperties: true },
      },
    }),
  },
} as const;

export const attachmentSchema = {
  type: "object",
  required: ["id", "receipt_id", "display_name", "mime", "size", "sha256", "created_at"],
  properties: {
    id: { type: "string", format: "uuid" },
    receipt_id: { type: "integer" },
    display_name: { type: "string" },
    mime: { type: "string", enum: ATTACHMENT_TYPES },
    size: { type: "integer" },
    sha256: { type: "string" },
    created_at: { type: "string", format: "date-time" },
  },
} as const;

export const receiptDetailSchema = {
  type: "object",
  required: [...receiptRequired, "history", "attachments"],
  properties: {
    ...receiptProperties,
    history: { type: "array", items: transitionSchema },
    attachments: { type: "array", items: attachmentSchema },
    supplier: nullable({
      type: "object",
      description:
        "The ERP partner the receipt's tax id (or name) matches, with the account the proposal credits; null without a tax id or merchant",
      required: ["partner_id", "name", "tax_id", "account", "matched_by"],
      properties: {
        partner_id: { type: ["integer", "null"], description: "null: unknown to the ERP" },
        name: { type: ["string", "null"] },
        tax_id: { type: ["string", "null"] },
        account: { type: "string", description: "401.<partner> or the generic supplier account" },
        matched_by: { type: ["string", "null"], enum: ["tax_id", "name", null] },
      },
    }),
    notices: {
      type: "array",
      items: {
        type: "string",
        enum: ["TAX_ID_INVALID", "SUPPLIER_UNKNOWN", "NO_EXCHANGE_RATE"],
      },
      description: "What the user must know before proposing or submitting",
    },
    period_closed: {
      type: "boolean",
      description:
        "The receipt's date is in an accounting period the ERP has closed: it cannot be approved (409)",
    },
    review_blocked: {
      type: ["string", "null"],
      enum: ["creator", "submitter", null],
      description:
        "Why the caller may not approve or reject this receipt (DATA_ENTRY_APPROVER_NOT_CREATOR: they created or submitted it); null when they may",
    },
  },
} as const;

const entryLineSchema = {
  type: "object",
  required: ["account", "side", "amount"],
  additionalProperties: false,
  properties: {
    account: { ...accountCode, description: "An account of the company's ERP chart" },
    side: { type: "string", enum: ENTRY_SIDES },
    amount: { ...money, description: "In lei" },
    explanation: { ...singleLineText({ maxLength: 300 }), default: "" },
    currency_amount: {
      type: ["number", "null"],
      description: "The amount in the receipt's currency, when it is not RON",
    },
  },
} as const;

const entriesSchema = {
  type: "object",
  required: ["receipt_id", "entries", "debit", "credit", "balanced"],
  properties: {
    receipt_id: { type: "integer" },
    entries: {
      type: "array",
      items: {
        type: "object",
        required: ["account", "side", "amount", "explanation"],
        properties: {
          account: { type: "string" },
          side: { type: "string" },
          amount: { type: "number" },
          explanation: { type: "string" },
          currency_amount: { type: ["number", "null"] },
        },
      },
    },
    debit: { type: "number" },
    credit: { type: "number" },
    balanced: { type: "boolean", description: "At least one line and debits equal credits" },
  },
} as const;

const idParams = {
  type: "object",
  required: ["id"],
  additionalProperties: false,
  properties: { id: { type: "integer", minimum: 1 } },
} as const;

export const listReceiptsSchema = {
  tags: TAGS,
  summary: "One page of a company's receipts, newest first",
  querystring: {
    type: "object",
    required: ["company"],
    additionalProperties: false,
    properties: {
      company: { type: "integer", minimum: 1 },
      status: { type: "string", enum: RECEIPT_STATUSES },
      period: {
        type: "string",
        pattern: "^[0-9]{4}-(0[1-9]|1[0-2])$",
        description:
          "YYYY-MM: receipts dated in that month, and those still waiting for their date (OCR). Combines with date_from/date_to.",
      },
      date_from: dateString,
      date_to: { ...dateString, description: "On or after date_from (400 otherwise)" },
      page: { type: "integer", minimum: 1, maximum: 1_000_000 },
      page_size: { type: "integer", minimum: 1, maximum: MAX_PAGE_SIZE },
    },
  },
  response: {
    200: {
      type: "object",
      required: ["items", "total", "page", "page_size", "pages"],
      properties: {
        items: { type: "array", items: receiptSchema },
        total: { type: "integer", description: "Receipts matching the filter, on every page" },
        page: { type: "integer" },
        page_size: { type: "integer" },
        pages: { type: "integer" },
      },
    },
    ...errorResponses,
  },
} as const;

export const createReceiptSchema = {
  tags: TAGS,
  summary: "Record a receipt (DRAFT)",
  body: {
    type: "object",
    required: ["company_id", "merchant", "tax_id", "date", "total", "vat", "currency"],
    additionalProperties: false,
    properties: { company_id: { type: "integer", minimum: 1 }, ...receiptFieldProperties },
  },
  response: { 201: receiptSchema, ...errorResponses },
} as const;

export const getReceiptSchema = {
  tags: TAGS,
  summary: "One receipt with its history and attachments",
  params: idParams,
  response: { 200: receiptDetailSchema, ...errorResponses },
} as const;

export const patchReceiptSchema = {
  tags: TAGS,
  summary: "Change a DRAFT or REJECTED receipt's fields",
  params: idParams,
  body: {
    type: "object",
    additionalProperties: false,
    minProperties: 1,
    properties: receiptFieldProperties,
  },
  response: { 200: receiptSchema, ...withConflict },
} as const;

export const deleteReceiptSchema = {
  tags: TAGS,
  summary: "Delete a DRAFT or REJECTED receipt with its entries and attachments",
  params: idParams,
  response: { 204: { type: "null", description: "Deleted" }, ...withConflict },
} as const;

/** The body of a move that needs a reason (reject). */
const reasonBody = {
  type: "object",
  required: ["reason"],
  additionalProperties: false,
  properties: { reason: multiLineText({ minLength: 1, maxLength: 1000 }) },
} as const;

export function transitionRouteSchema(summary: string, needsReason: boolean) {
  return {
    tags: TAGS,
    summary,
    params: idParams,
    ...(needsReason ? { body: reasonBody } : {}),
    response: { 200: receiptSchema, ...withConflict },
  } as const;
}

export const getEntriesSchema = {
  tags: TAGS,
  summary: "A receipt's accounting entries and their balance",
  params: idParams,
  response: { 200: entriesSchema, ...errorResponses },
} as const;

export const putEntriesSchema = {
  tags: TAGS,
  summary: "Replace a receipt's accounting entries",
  params: idParams,
  body: {
    type: "object",
    required: ["entries"],
    additionalProperties: false,
    properties: { entries: { type: "array", maxItems: 100, items: entryLineSchema } },
  },
  response: { 200: entriesSchema, ...withConflict },
} as const;

export const proposeEntriesSchema = {
  tags: TAGS,
  summary:
    "Replace a receipt's entries with the ones proposed from its totals, in lei (at the BNR rate of its date) and on its supplier's account",
  params: idParams,
  body: nullable({
    type: "object",
    additionalProperties: false,
    properties: {
      payment: { type: "string", enum: PAYMENT_METHODS },
      expense_account: accountCode,
    },
  }),
  response: { 200: entriesSchema, ...withConflict },
} as const;

export const uploadAttachmentSchema = {
  tags: TAGS,
  summary: "Attach a JPEG, PNG or PDF (multipart field `file`) to a DRAFT or REJECTED receipt",
  consumes: ["multipart/form-data"],
  multipartBody: {
    required: ["file"],
    properties: { file: uploadedFile("The attachment") },
  },
  params: idParams,
  response: {
    201: attachmentSchema,
    ...withConflict,
    413: errorResponseSchema,
    415: errorResponseSchema,
  },
} as const;

export const downloadAttachmentSchema = {
  tags: TAGS,
  summary: "The attachment's file, with its content type",
  params: {
    type: "object",
    required: ["id"],
    additionalProperties: false,
    properties: { id: { type: "string", format: "uuid" } },
  },
  response: {
    200: { description: "The file", type: "string", format: "binary" },
    ...errorResponses,
  },
} as const;

const nullableNumber = { type: ["number", "null"] } as const;

const ocrJobSchema = {
  type: "object",
  required: [
    "job_id",
    "attachment_id",
    "receipt_id",
    "state",
    "stage",
    "progress",
    "fields",
    "applied",
    "error",
  ],
  properties: {
    job_id: { type: "string", format: "uuid" },
    attachment_id: { type: ["string", "null"], description: "null for an uploaded image" },
    receipt_id: { type: ["integer", "null"], description: "null for an uploaded image" },
    state: { type: "string", enum: ["queued", "running", "done", "failed"] },
    stage: {
      type: "string",
      enum: ["queued", "recognizing", "extracting", "applying", "done", "failed"],
    },
    progress: { type: "number", minimum: 0, maximum: 1 },
    fields: nullable({
      type: "object",
      description: "What the OCR read, once done; null fields were not found",
      properties: {
        merchant: { type: ["string", "null"] },
        tax_id: { type: ["string", "null"] },
        date: { type: ["string", "null"] },
        total: nullableNumber,
        vat: nullableNumber,
        currency: { type: ["string", "null"] },
        text: { type: "string", description: "The text the OCR read" },
        confidence: {
          type: "object",
          properties: {
            merchant: { type: "number" },
            tax_id: { type: "number" },
            date: { type: "number" },
            total: { type: "number" },
            vat: { type: "number" },
            currency: { type: "number" },
          },
        },
      },
    }),
    source: {
      type: ["string", "null"],
      enum: ["image", "pdf_text", "pdf_scan", "pdf_mixed", null],
      description:
        "Where the text came from: OCR of an image, a PDF's text layer (no OCR), OCR of a PDF's scanned pages, or both; null while a PDF is not read yet",
    },
    applied: nullable({
      type: "object",
      description: "For a receipt's OCR: the receipt fields written (null for a plain OCR job)",
      properties: {
        fields: { type: "array", items: { type: "string" } },
        error: { type: ["string", "null"] },
      },
    }),
    error: nullable({
      type: "object",
      properties: { code: { type: "string" }, message: { type: "string" } },
    }),
  },
} as const;

export const startOcrSchema = {
  tags: TAGS,
  summary:
    "Read an image or a PDF (its text layer or scanned pages) with OCR, in the background; poll GET /ocr/:job_id",
  description:
    "Either JSON `{attachment_id}` (an attachment of a receipt you may see), or " +
    "multipart/form-data with the file (JPEG, PNG or PDF, recognised from its content) in " +
    "the field `file`, optionally after a `company_id` field. An uploaded file is read in " +
    "memory and not kept; its job is visible to that company's users, or without a " +
    "company only to you.",
  // Only JSON is validated here; a multipart body is read and checked by the route.
  consumes: ["application/json", "multipart/form-data"],
  multipartBody: {
    required: ["file"],
    properties: {
      company_id: formCompany(
        "Optional; if sent, it must come BEFORE `file` in the form (a field after the file is not read). The job is then visible to that company's users; without it, only to you.",
      ),
      file: uploadedFile("The image or PDF to read, after `company_id`; read in memory, not kept"),
    },
  },
  body: {
    content: {
      "application/json": {
        schema: {
          type: "object",
          required: ["attachment_id"],
          additionalProperties: false,
          properties: { attachment_id: { type: "string", format: "uuid" } },
        },
      },
    },
  },
  response: {
    202: {
      type: "object",
      required: ["job_id", "state"],
      properties: { job_id: { type: "string" }, state: { type: "string" } },
    },
    ...errorResponses,
    413: errorResponseSchema,
    415: errorResponseSchema,
    503: errorResponseSchema,
  },
} as const;

const jobIdParams = {
  type: "object",
  required: ["job_id"],
  additionalProperties: false,
  properties: { job_id: { type: "string", format: "uuid" } },
} as const;

export const ocrEventsSchema = {
  tags: TAGS,
  summary:
    "An OCR job's progress as server-sent events: progress, then done or failed (the stream ends)",
  description:
    "text/event-stream. The first event is the current state; a heartbeat comment every 15 s. Authenticate with the Authorization header (fetch streaming; EventSource cannot send it).",
  produces: ["text/event-stream"],
  params: jobIdParams,
  response: {
    200: { description: "The event stream", type: "string" },
    ...errorResponses,
  },
} as const;

export const getOcrSchema = {
  tags: TAGS,
  summary: "An OCR job's state, progress and, once done, the fields it read",
  params: {
    type: "object",
    required: ["job_id"],
    additionalProperties: false,
    properties: { job_id: { type: "string", format: "uuid" } },
  },
  response: { 200: ocrJobSchema, ...errorResponses },
} as const;

const pageQuery = pageQueryOf();

const searchQuery = {
  type: "string",
  maxLength: 100,
  description: "Search text; empty lists everything",
} as const;

const pageOf = pageSchema;

export const accountsSchema = {
  tags: TAGS,
  summary: "The company's chart of accounts, searched by code prefix or name",
  querystring: {
    type: "object",
    required: ["company"],
    additionalProperties: false,
    properties: { company: { type: "integer", minimum: 1 }, q: searchQuery, ...pageQuery },
  },
  response: {
    200: {
      ...pageOf({
        type: "object",
        required: ["code", "name", "class", "kind", "level", "parent_code"],
        properties: {
          code: { type: "string" },
          name: { type: "string" },
          class: { type: "integer" },
          kind: { type: "string", description: "A active, P passive, B bifunctional" },
          level: { type: "string", enum: ["synthetic1", "synthetic2", "analytic"] },
          parent_code: { type: ["string", "null"] },
        },
      } as const),
      description: "One page; X-Cache (HIT-L1, HIT-L2, MISS) and Age say where the list came from",
    },
    ...errorResponses,
  },
} as const;

export const partnersSchema = {
  tags: TAGS,
  summary: "The company's partners (suppliers, clients), searched by name or tax id",
  querystring: {
    type: "object",
    required: ["company"],
    additionalProperties: false,
    properties: {
      company: { type: "integer", minimum: 1 },
      q: searchQuery,
      kind: { type: "string", enum: ["client", "supplier"] },
      ...pageQuery,
    },
  },
  response: {
    200: {
      ...pageOf({
        type: "object",
        required: ["id", "name", "tax_id", "kind", "city"],
        properties: {
          id: { type: "integer" },
          name: { type: "string" },
          tax_id: { type: "string" },
          kind: { type: "string", enum: ["client", "supplier"] },
          city: { type: ["string", "null"] },
        },
      } as const),
      description: "One page; X-Cache (HIT-L1, HIT-L2, MISS) and Age say where the list came from",
    },
    ...errorResponses,
  },
} as const;

export const vatRatesSchema = {
  tags: TAGS,
  summary: "The VAT rates in force on a day (default today), from DATA_ENTRY_VAT_RATES",
  querystring: {
    type: "object",
    additionalProperties: false,
    properties: { date: { ...dateString, description: "YYYY-MM-DD; default today" } },
  },
  response: {
    200: {
      type: "object",
      required: ["date", "valid_from", "valid_to", "rates"],
      properties: {
        date: { type: "string" },
        valid_from: { type: ["string", "null"], description: "null: since always" },
        valid_to: { type: ["string", "null"], description: "null: no later change known" },
        rates: {
          type: "array",
          items: {
            type: "object",
            required: ["rate", "name"],
            properties: {
              rate: { type: "number", description: "Percent" },
              name: { type: "string", enum: ["standard", "reduced", "zero"] },
            },
          },
        },
      },
    },
    ...errorResponses,
  },
} as const;

export const receiptOcrSchema = {
  tags: TAGS,
  summary:
    "Read one of a DRAFT or REJECTED receipt's attachments (image or PDF) with OCR and fill its empty fields when done",
  params: idParams,
  body: {
    type: "object",
    required: ["attachment_id"],
    additionalProperties: false,
    properties: {
      attachment_id: { type: "string", format: "uuid" },
      overwrite: {
        type: "boolean",
        default: false,
        description: "Also replace fields already entered",
      },
    },
  },
  response: {
    202: {
      type: "object",
      required: ["job_id", "state"],
      properties: { job_id: { type: "string" }, state: { type: "string" } },
    },
    ...withConflict,
    415: errorResponseSchema,
    503: errorResponseSchema,
  },
} as const;

export const receiptFromImageSchema = {
  tags: TAGS,
  summary:
    "Create a DRAFT receipt from a photo or PDF (multipart: company_id, then file); OCR fills it in the background",
  consumes: ["multipart/form-data"],
  multipartBody: {
    required: ["company_id", "file"],
    properties: {
      company_id: formCompany(
        "The new receipt's company. Must come BEFORE `file` in the form: the file is stored as it arrives, so the company is checked first (400 when it is missing or comes after the file).",
      ),
      file: uploadedFile("The photo or PDF of the receipt, after `company_id`"),
    },
  },
  response: {
    201: receiptDetailSchema,
    ...errorResponses,
    413: errorResponseSchema,
    415: errorResponseSchema,
  },
} as const;

// The bodies and queries the rules take, derived from the schemas above.

/** The body of `POST /receipts`. */
export type NewReceiptBody = Static<typeof createReceiptSchema.body>;
/** The body of `PATCH /receipts/:id`: any of the editable fields. */
export type ReceiptPatchBody = Static<typeof patchReceiptSchema.body>;
/** The query of `GET /receipts`. */
export type ListReceiptsQuery = Static<typeof listReceiptsSchema.querystring>;
/** The page and search of the nomenclature lists. */
export type SearchQuery = Static<typeof accountsSchema.querystring>;
/** A receipt as every answer shows it. */
export type ReceiptView = Static<typeof receiptSchema>;
/** The JSON body of `POST /ocr` (a multipart one is read by the route). */
export type StartOcrBody = Static<
  (typeof startOcrSchema.body.content)["application/json"]["schema"]
>;
/** A receipt's id in the path. */
export type IdParams = Static<typeof idParams>;
/** The body of a move that needs a reason; the other moves take none. */
export type ReasonBody = Static<typeof reasonBody>;
/** One line of a receipt's history. */
export type TransitionView = Static<typeof transitionSchema>;
