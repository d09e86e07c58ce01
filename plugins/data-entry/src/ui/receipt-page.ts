/**
 * <data-entry-receipt>: one receipt — new (`/data-entry/new`) or stored
 * (`/data-entry/receipts/12`). The form (checked here with the server's rules, the
 * server's VALIDATION_FAILED shown next to the field it names), the attachments with
 * OCR of images (live progress, then fields to accept), the accounting entries, the
 * workflow buttons the receipt allows, and its history.
 *
 * A new receipt can start from a photo: the first file chosen before saving goes to
 * `POST /receipts/from-image` (a DRAFT whose unknown fields are null), the page moves
 * to the stored receipt, follows its OCR job live and reloads the receipt when the
 * server has filled the fields, which are then marked "read by OCR, check them".
 * Typing first and saving without a photo creates the receipt with `POST /receipts`.
 */
import {
  ApiError,
  api,
  createRef,
  css,
  describeError,
  describeFieldError,
  type ErrorDescription,
  errorDetailLine,
  formatDate,
  formatDateTime,
  formatMoney,
  formatNumber,
  html,
  LitElement,
  live,
  navigate,
  nothing,
  onLocaleChange,
  readEvents,
  ref,
  sharedStyles,
  shellState,
  t,
  toast,
  toastError,
} from "@roa2web/ui-shell/api";
import { isReadableByOcr } from "./attachments.js";
import { decimalSeparator, type EntriesState } from "./entries-grid.js";
import {
  localToday,
  MERCHANT_MAX_LENGTH,
  NOTES_MAX_LENGTH,
  type PartnerOption,
  partnerNamed,
  RECEIPT_FIELDS,
  type ReceiptField,
  type ReceiptFormValues,
  receiptFormValues,
  TAX_ID_MAX_LENGTH,
  toPartnerOptions,
  toReceiptBody,
  toReceiptPatch,
  validateReceiptForm,
} from "./form-rules.js";
import {
  followOcrJob,
  OcrDisabledError,
  type OcrProgress,
  type OcrTransport,
  proposedFields,
  startReceiptOcr,
} from "./ocr-progress.js";
import { statusBadge, statusLabel } from "./status-badge.js";
import type {
  Attachment,
  OcrFields,
  OcrJob,
  Receipt,
  ReceiptDetail,
  Transition,
  WorkflowAction,
} from "./types.js";

const BASE = "/api/data-entry";

/** Learnt from a 503 on start: this server has OCR switched off (until a reload). */
let ocrSwitchedOff = false;

const transport: OcrTransport = {
  get: (path, options) => api.get(path, options),
  post: (path, body) => api.post(path, body),
  events: readEvents,
};

/** The attachment is unknown when the page picks up a job already running (a reload). */
type OcrView =
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

/** A field's problem: a rule checked here (already in the user's words), or the server's refusal. */
type FieldProblem = string | ErrorDescription;

const FIELD_KEY: Record<ReceiptField, string> = {
  merchant: "data-entry.field.merchant",
  tax_id: "data-entry.field.taxId",
  date: "data-entry.field.date",
  total: "data-entry.field.total",
  vat: "data-entry.field.vat",
  currency: "data-entry.field.currency",
  notes: "data-entry.field.notes",
};

function fieldLabels(fields: readonly string[]): string {
  return fields
    .map((field) => (field in FIELD_KEY ? t(FIELD_KEY[field as ReceiptField]) : field))
    .join(", ");
}

/**
 * A history line in the reader's language: a move names both statuses; a note (the
 * status did not change) says what happened, from its code, never "Draft → Draft".
 */
function historyHeading(entry: Transition): string {
  if (entry.event === "created" || entry.from === null) return t("data-entry.history.created");
  if (entry.event === "status") return `${statusLabel(entry.from)} → ${statusLabel(entry.to)}`;
  if (entry.note?.code === "ocr_filled") {
    const { confidence, fields } = entry.note.params as { confidence?: number; fields?: string[] };
    return t("data-entry.history.ocrFilled", {
      confidence: formatNumber(confidence ?? 0, 2),
      fields: fieldLabels(fields ?? []),
    });
  }
  return entry.reason ?? t("data-entry.history.note");
}

function emptyForm(): ReceiptFormValues {
  return {
    merchant: "",
    tax_id: "",
    date: localToday(),
    total: "",
    vat: "",
    currency: "RON",
    notes: "",
  };
}

function formOf(receipt: Receipt): ReceiptFormValues {
  return receiptFormValues(receipt, decimalSeparator());
}

const ACTION_PERMISSION: Record<WorkflowAction, string> = {
  submit: "data-entry:write",
  reopen: "data-entry:write",
  approve: "data-entry:approve",
  reject: "data-entry:approve",
};

export class DataEntryReceipt extends LitElement {
  static override properties = {
    receiptId: { type: Number, attribute: "receipt-id" },
    company: { type: Number },
    receipt: { state: true },
    values: { state: true },
    errors: { state: true },
    touched: { state: true },
    loading: { state: true },
    loadError: { state: true },
    saving: { state: true },
    uploading: { state: true },
    ocr: { state: true },
    ocrFilled: { state: true },
    overwrite: { state: true },
    partners: { state: true },
    entries: { state: true },
    busyAction: { state: true },
  };
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: grid;
        /* minmax: the entries' table scrolls inside its box, not the page. */
        grid-template-columns: minmax(0, 1fr);
        gap: var(--roa-space-4);
        max-width: 64rem;
      }
      header {
        display: flex;
        flex-wrap: wrap;
        gap: var(--roa-space-2);
        align-items: center;
      }
      header h1 {
        margin: 0;
        margin-right: auto;
      }
      .grid {
        display: grid;
        gap: var(--roa-space-3);
        grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr));
      }
      .grid .wide {
        grid-column: 1 / -1;
      }
      .field {
        display: grid;
        gap: var(--roa-space-1);
        align-content: start;
      }
      input,
      textarea,
      select {
        width: 100%;
      }
      .field-error {
        color: var(--roa-danger);
        font-size: 0.85rem;
      }
      .error-detail {
        display: block;
        color: var(--roa-text-muted);
        overflow-wrap: anywhere;
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: var(--roa-space-2);
        align-items: center;
        margin-top: var(--roa-space-3);
      }
      section.card h2 {
        margin-bottom: var(--roa-space-3);
      }
      progress {
        width: 100%;
        height: 0.9rem;
      }
      .ocr table {
        margin: var(--roa-space-2) 0;
      }
      .rejected {
        border-left: 4px solid var(--roa-danger);
      }
      ol.history {
        margin: 0;
        padding-left: 1.2rem;
        display: grid;
        gap: var(--roa-space-2);
      }
      dialog {
        border: 1px solid var(--roa-border);
        border-radius: var(--roa-radius-lg);
        padding: var(--roa-space-4);
        width: min(28rem, calc(100vw - 2rem));
        color: var(--roa-text);
        background: var(--roa-surface);
      }
      dialog::backdrop {
        background: rgb(0 0 0 / 0.4);
      }
      dialog form {
        display: grid;
        gap: var(--roa-space-3);
      }
      a.back {
        font-size: 0.9rem;
      }
      .field-note {
        font-size: 0.85rem;
      }
      .by-ocr input {
        border-color: var(--roa-warning, #b26b00);
        background: color-mix(in srgb, var(--roa-warning, #b26b00) 8%, var(--roa-surface));
      }
      .ocr-note {
        color: var(--roa-warning, #8a5300);
      }
      .missing input {
        border-style: dashed;
        border-color: var(--roa-danger);
      }
      .missing-note {
        color: var(--roa-danger);
      }
      .missing-banner,
      .ocr-banner {
        margin: 0 0 var(--roa-space-3);
        padding: var(--roa-space-2) var(--roa-space-3);
        border-radius: var(--roa-radius);
        border-left: 4px solid var(--roa-danger);
        background: var(--roa-surface-hover);
      }
      .ocr-banner {
        border-left-color: var(--roa-warning, #b26b00);
      }
      label.check {
        display: flex;
        gap: var(--roa-space-2);
        align-items: center;
      }
      label.check input {
        width: auto;
      }
      p.company {
        margin: 0;
        color: var(--roa-muted, inherit);
      }
      .notice {
        display: flex;
        flex-wrap: wrap;
        gap: var(--roa-space-2);
        align-items: center;
        justify-content: space-between;
      }
      .notice p {
        margin: 0;
      }
      .notice,
      .warning {
        border-left: 4px solid var(--roa-warning, #b26a00);
      }
    `,
  ];

  declare receiptId: number | undefined;
  declare company: number | undefined;
  declare receipt: ReceiptDetail | undefined;
  declare values: ReceiptFormValues;
  /** Field -> what is wrong with it, in the user's words. */
  declare errors: Partial<Record<ReceiptField, FieldProblem>>;
  declare touched: boolean;
  declare loading: boolean;
  declare loadError: unknown;
  declare saving: boolean;
  declare uploading: boolean;
  declare ocr: OcrView;
  /** Fields the server filled from OCR, marked until the user saves the form. */
  declare ocrFilled: string[];
  /** "Citește cu OCR" also replaces fields already filled (an explicit choice). */
  declare overwrite: boolean;
  declare partners: PartnerOption[];
  /** Fields the user typed into on a new receipt (sent after a photo creates it). */
  #typed = new Set<ReceiptField>();
  #partnerTimer: ReturnType<typeof setTimeout> | undefined;
  #partnerController: AbortController | undefined;
  /** Set once the partners lookup answered 404: no more lookups this session. */
  static partnersMissing = false;
  declare entries: EntriesState | undefined;
  declare busyAction: string | undefined;
  #ocrController: AbortController | undefined;
  /** The id this element just created: no reload when the route catches up with it. */
  #created: number | undefined;
  #rejectDialog = createRef<HTMLDialogElement>();
  #deleteDialog = createRef<HTMLDialogElement>();
  #reason = createRef<HTMLTextAreaElement>();
  #opener: HTMLElement | null = null;

  /** Texts follow a language change (the shell only re-renders the root element). */
  #offLocale: (() => void) | undefined;
  constructor() {
    super();
    this.values = emptyForm();
    this.errors = {};
    this.touched = false;
    this.loading = false;
    this.saving = false;
    this.uploading = false;
    this.ocr = { phase: "idle" };
    this.ocrFilled = [];
    this.overwrite = false;
    this.partners = [];
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#offLocale = onLocaleChange(() => this.requestUpdate());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#offLocale?.();
    this.#ocrController?.abort();
    clearTimeout(this.#partnerTimer);
    this.#partnerController?.abort();
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has("receiptId")) {
      if (this.receiptId === undefined) {
        this.#ocrController?.abort();
        this.receipt = undefined;
        this.values = emptyForm();
        this.errors = {};
        this.ocr = { phase: "idle" };
        this.ocrFilled = [];
        this.#typed.clear();
        this.entries = undefined;
      } else if (this.receiptId !== this.#created) {
        this.#ocrController?.abort();
        this.ocr = { phase: "idle" };
        this.ocrFilled = [];
        // Another receipt: never show the previous one while this one loads.
        this.receipt = undefined;
        this.loadError = undefined;
        this.entries = undefined;
        void this.#load();
      }
    }
  }

  /**
   * OCR is still reading this receipt's fields: the empty ones are not "to fill in"
   * yet (marking them red would ask the user to type what OCR is about to write).
   */
  get #ocrReading(): boolean {
    return (
      this.ocr.phase === "running" ||
      (this.ocr.phase === "idle" && this.receipt?.ocr_status === "pending")
    );
  }

  get #editable(): boolean {
    const status = this.receipt?.status;
    return (
      shellState.can("data-entry:write") &&
      (status === undefined || status === "DRAFT" || status === "REJECTED")
    );
  }

  async #load(): Promise<void> {
    const id = this.receiptId;
    if (!id) return;
    this.loading = true;
    try {
      const receipt = await api.get<ReceiptDetail>(`${BASE}/receipts/${id}`);
      if (id !== this.receiptId) return; // the route moved on meanwhile
      this.receipt = receipt;
      this.values = formOf(receipt);
      this.errors = {};
      this.loadError = undefined;
      // Opened (or reloaded) while its OCR still runs: follow it from where it is.
      if (receipt.ocr_status === "pending" && receipt.ocr_job_id && this.ocr.phase === "idle") {
        void this.#followJob(receipt.ocr_job_id, undefined);
      }
    } catch (error) {
      if (id === this.receiptId) this.loadError = error;
    } finally {
      this.loading = false;
    }
  }

  /** Reloads the receipt after a change, keeping unsaved form edits out of it. */
  async #refresh(): Promise<void> {
    if (!this.receipt) return;
    const receipt = await api.get<ReceiptDetail>(`${BASE}/receipts/${this.receipt.id}`);
    this.receipt = receipt;
    this.values = formOf(receipt);
  }

  #set(field: ReceiptField, value: string): void {
    this.values = { ...this.values, [field]: value };
    if (!this.receipt) this.#typed.add(field);
    if (field === "merchant") this.#merchantChanged(value);
    if (this.touched || this.errors[field]) {
      const rules = validateReceiptForm(this.values, localToday(), this.#optional);
      const next = { ...this.errors };
      if (rules[field]) next[field] = t(rules[field]);
      else delete next[field];
      this.errors = next;
    }
  }

  /** Fields a stored DRAFT may leave blank: the ones still missing on the server. */
  get #optional(): readonly ReceiptField[] {
    return (this.receipt?.missing_fields ?? []) as ReceiptField[];
  }

  /** Suggests suppliers while the merchant is typed; an exact name fills an empty tax id. */
  #merchantChanged(value: string): void {
    const known = partnerNamed(this.partners, value);
    if (known && this.values.tax_id.trim() === "" && known.tax_id) {
      this.values = { ...this.values, tax_id: known.tax_id };
      if (!this.receipt) this.#typed.add("tax_id");
    }
    const company = this.receipt?.company_id ?? this.company;
    if (DataEntryReceipt.partnersMissing || !company || value.trim().length < 2) return;
    clearTimeout(this.#partnerTimer);
    this.#partnerTimer = setTimeout(async () => {
      this.#partnerController?.abort();
      const controller = new AbortController();
      this.#partnerController = controller;
      try {
        const page = await api.get<{ items: Array<{ name: string; tax_id: string }> }>(
          `${BASE}/nomenclature/partners`,
          { query: { company, q: value.trim(), page_size: 20 }, signal: controller.signal },
        );
        this.partners = toPartnerOptions(page);
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) {
          DataEntryReceipt.partnersMissing = true;
        }
      }
    }, 250);
  }

  async #save(event: Event): Promise<void> {
    event.preventDefault();
    this.touched = true;
    const rules = validateReceiptForm(this.values, localToday(), this.#optional);
    const fields = Object.keys(rules) as ReceiptField[];
    if (fields.length > 0) {
      this.errors = Object.fromEntries(fields.map((field) => [field, t(rules[field] ?? "")]));
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>(`[name="${fields[0]}"]`)?.focus();
      return;
    }
    this.saving = true;
    try {
      if (this.receipt) {
        const saved = await api.patch<Receipt>(
          `${BASE}/receipts/${this.receipt.id}`,
          toReceiptPatch(this.values, RECEIPT_FIELDS),
        );
        const redated = saved.date !== this.receipt.date;
        this.receipt = { ...this.receipt, ...saved };
        this.values = formOf(saved);
        this.ocrFilled = [];
        toast(t("data-entry.form.saved"), { kind: "success" });
        void this.#refreshBooking();
        // Another date may be in another period (open or closed): ask the server again.
        if (redated) await this.#refresh().catch(() => undefined);
        await this.renderRoot
          .querySelector<HTMLElement & { load(): Promise<void> }>("data-entry-entries")
          ?.load();
      } else {
        if (!this.company) throw new Error(t("data-entry.noCompany"));
        const created = await api.post<Receipt>(`${BASE}/receipts`, {
          company_id: this.company,
          ...toReceiptBody(this.values),
        });
        this.#created = created.id;
        this.receipt = { ...created, history: [], attachments: [], supplier: null, notices: [] };
        this.values = formOf(created);
        toast(t("data-entry.form.created"), { kind: "success" });
        navigate(`/data-entry/receipts/${created.id}`, { replace: true });
        await this.#refresh().catch(() => undefined);
      }
      this.errors = {};
    } catch (error) {
      this.#showSaveError(error);
    } finally {
      this.saving = false;
    }
  }

  #showSaveError(error: unknown): void {
    const problem = describeFieldError(error, RECEIPT_FIELDS, undefined, { plugin: "data-entry" });
    if (problem) {
      this.errors = { ...this.errors, [problem.field]: problem };
      void this.updateComplete.then(() =>
        this.renderRoot.querySelector<HTMLElement>(`[name="${problem.field}"]`)?.focus(),
      );
      return;
    }
    toastError(error, { plugin: "data-entry" });
  }

  async #filesSelected(files: File[]): Promise<void> {
    if (!this.receipt) {
      await this.#createFromImage(files);
      return;
    }
    await this.#upload(files);
  }

  /**
   * A photo before saving: `POST /receipts/from-image` (company_id first, then the
   * file) creates the DRAFT; what the user had typed is sent with a PATCH (OCR then
   * leaves it as it is), further files are uploaded, and the OCR job is followed.
   */
  async #createFromImage(files: File[]): Promise<void> {
    const [first, ...rest] = files;
    if (!first || this.uploading) return;
    if (!this.company) {
      toast(t("data-entry.noCompany"), { kind: "error" });
      return;
    }
    this.uploading = true;
    let created: ReceiptDetail;
    try {
      const form = new FormData();
      form.append("company_id", String(this.company));
      form.append("file", first, first.name);
      created = await api.upload<ReceiptDetail>(`${BASE}/receipts/from-image`, form);
    } catch (error) {
      this.uploading = false;
      toastError(error, {
        plugin: "data-entry",
        format: (message) => t("data-entry.attachments.failed", { name: first.name, message }),
      });
      return;
    }
    const typed = this.values;
    this.#created = created.id;
    this.receipt = created;
    toast(t("data-entry.form.createdFromImage"), { kind: "success" });
    navigate(`/data-entry/receipts/${created.id}`, { replace: true });
    if (created.ocr_job_id) {
      void this.#followJob(created.ocr_job_id, created.attachments[0]);
    } else if (isReadableByOcr(created.attachments[0]?.mime ?? "")) {
      ocrSwitchedOff = true; // a readable file and no job: this server has OCR off
    }
    await this.#sendTyped(typed);
    this.uploading = false;
    if (rest.length > 0) await this.#upload(rest);
  }

  /** The fields typed before the photo, the valid ones, into the new DRAFT. */
  async #sendTyped(typed: ReceiptFormValues): Promise<void> {
    const receipt = this.receipt;
    if (!receipt) return;
    const rules = validateReceiptForm(typed, localToday(), RECEIPT_FIELDS);
    const fields = [...this.#typed].filter(
      (field) => typed[field].trim() !== "" && rules[field] === undefined,
    );
    this.#typed.clear();
    this.errors = {};
    if (fields.length > 0) {
      try {
        const saved = await api.patch<Receipt>(
          `${BASE}/receipts/${receipt.id}`,
          toReceiptPatch(typed, fields),
        );
        if (this.receipt?.id === receipt.id) this.receipt = { ...this.receipt, ...saved };
      } catch (error) {
        this.#showSaveError(error);
      }
    }
    void this.#refreshBooking();
    const values = this.receipt ? formOf(this.receipt) : typed;
    // What was typed but could not be sent stays in the form for the user to correct.
    for (const field of RECEIPT_FIELDS) {
      if (rules[field] !== undefined && typed[field].trim() !== "") values[field] = typed[field];
    }
    this.values = values;
  }

  async #upload(files: File[]): Promise<void> {
    if (!this.receipt) return;
    const receiptId = this.receipt.id;
    this.uploading = true;
    const uploaded: Attachment[] = [];
    try {
      for (const file of files) {
        const form = new FormData();
        form.append("file", file, file.name);
        try {
          const attachment: Attachment = await api.upload<Attachment>(
            `${BASE}/receipts/${receiptId}/attachments`,
            form,
          );
          uploaded.push(attachment);
          if (this.receipt?.id === receiptId) {
            this.receipt = {
              ...this.receipt,
              attachments: [...this.receipt.attachments, attachment],
            };
          }
        } catch (error) {
          toastError(error, {
            plugin: "data-entry",
            format: (message) => t("data-entry.attachments.failed", { name: file.name, message }),
          });
        }
      }
    } finally {
      this.uploading = false;
    }
    if (uploaded.length > 0) {
      toast(t("data-entry.attachments.uploaded", { count: uploaded.length }), { kind: "success" });
      const image = uploaded.find((attachment) => isReadableByOcr(attachment.mime));
      const missing = (this.receipt?.missing_fields.length ?? 0) > 0;
      // Read a new image only when the receipt still lacks fields (it fills only those).
      if (image && missing && !ocrSwitchedOff && this.ocr.phase !== "running") {
        void this.#runOcr(image);
      }
    }
  }

  /** "Citește cu OCR": the server reads the attachment and fills the receipt. */
  async #runOcr(attachment: Attachment): Promise<void> {
    const receipt = this.receipt;
    if (!receipt) return;
    this.#ocrController?.abort();
    this.ocr = { phase: "running", attachment, progress: { state: "queued", progress: 0 } };
    let jobId: string;
    try {
      jobId = await startReceiptOcr(transport, receipt.id, attachment.id, this.overwrite);
    } catch (error) {
      if (error instanceof OcrDisabledError) {
        ocrSwitchedOff = true;
        this.ocr = { phase: "idle" };
        return;
      }
      this.ocr = {
        phase: "failed",
        attachment,
        error: describeError(error, undefined, { plugin: "data-entry" }),
      };
      return;
    }
    await this.#followJob(jobId, attachment);
  }

  /** Shows a job's progress live, then reloads the receipt the server filled. */
  async #followJob(jobId: string, attachment: Attachment | undefined): Promise<void> {
    this.#ocrController?.abort();
    const controller = new AbortController();
    this.#ocrController = controller;
    this.ocr = { phase: "running", attachment, progress: { state: "queued", progress: 0 } };
    try {
      const job = await followOcrJob(jobId, {
        transport,
        signal: controller.signal,
        onProgress: (progress) => {
          if (!controller.signal.aborted) this.ocr = { phase: "running", attachment, progress };
        },
      });
      if (controller.signal.aborted) return;
      await this.#afterOcr(job, attachment);
    } catch (error) {
      if (controller.signal.aborted) return;
      if (error instanceof OcrDisabledError) {
        ocrSwitchedOff = true;
        this.ocr = { phase: "idle" };
        return;
      }
      // A job that ended `failed` (its code worded by this plugin's texts), or a
      // failed call while following it: the shell says which in the user's words.
      this.ocr = {
        phase: "failed",
        attachment,
        error: describeError(error, undefined, { plugin: "data-entry" }),
      };
    }
  }

  /**
   * The job is done: reload the receipt (the server wrote the fields it filled) and
   * mark those. Edits not saved yet stay in the form where OCR did not write.
   */
  async #afterOcr(job: OcrJob, attachment: Attachment | undefined): Promise<void> {
    const filled = job.applied?.fields ?? [];
    const before = this.receipt ? formOf(this.receipt) : undefined;
    const local = this.values;
    try {
      await this.#refresh();
    } catch (error) {
      toastError(error, { plugin: "data-entry" });
    }
    if (before) {
      const values = { ...this.values };
      for (const field of RECEIPT_FIELDS) {
        if (local[field] !== before[field] && !filled.includes(field)) values[field] = local[field];
      }
      this.values = values;
    }
    this.ocrFilled = filled;
    this.errors = {};
    this.ocr = {
      phase: "done",
      attachment,
      fields: job.fields ?? null,
      filled,
      applyError: job.applied?.error ?? null,
    };
  }

  #accept(fields: Array<{ field: ReceiptField; value: string }>): void {
    let values = { ...this.values };
    for (const { field, value } of fields) values = { ...values, [field]: value };
    this.values = values;
    this.touched = true;
    const rules = validateReceiptForm(this.values, localToday());
    this.errors = Object.fromEntries(
      (Object.keys(rules) as ReceiptField[]).map((field) => [field, t(rules[field] ?? "")]),
    );
    if (this.ocr.phase === "done" && this.ocr.fields) {
      const remaining = proposedFields(this.ocr.fields, decimalSeparator()).filter(
        (proposal) => this.values[proposal.field] !== proposal.value,
      );
      if (remaining.length === 0 && this.ocr.filled.length === 0) this.ocr = { phase: "idle" };
    }
    toast(t("data-entry.ocr.accepted"), { kind: "info" });
  }

  async #transition(action: WorkflowAction, reason?: string): Promise<void> {
    if (!this.receipt) return;
    this.busyAction = action;
    try {
      await api.post<Receipt>(
        `${BASE}/receipts/${this.receipt.id}/${action}`,
        reason === undefined ? {} : { reason },
      );
      toast(t(`data-entry.workflow.done.${action}`), { kind: "success" });
      await this.#refresh();
      await this.renderRoot
        .querySelector<HTMLElement & { load(): Promise<void> }>("data-entry-entries")
        ?.load();
    } catch (error) {
      const details =
        error instanceof ApiError
          ? (error.details as { lines?: number; missing?: unknown } | undefined)
          : undefined;
      if (action === "submit" && details && Array.isArray(details.missing)) {
        toast(
          t("data-entry.workflow.missing", { fields: fieldLabels(details.missing as string[]) }),
          {
            kind: "error",
          },
        );
      } else if (action === "submit" && details && "lines" in details) {
        toast(t("data-entry.workflow.unbalanced"), { kind: "error" });
      } else {
        toastError(error, { plugin: "data-entry" });
      }
      await this.#refresh().catch(() => undefined);
    } finally {
      this.busyAction = undefined;
    }
  }

  #openDialog(dialog: HTMLDialogElement | undefined, focus?: HTMLElement): void {
    if (!dialog) return;
    this.#opener = (this.renderRoot as ShadowRoot).activeElement as HTMLElement | null;
    dialog.showModal();
    focus?.focus();
  }

  #closeDialog(dialog: HTMLDialogElement | undefined): void {
    dialog?.close();
  }

  #restoreFocus(): void {
    this.#opener?.focus();
    this.#opener = null;
  }

  async #confirmReject(event: Event): Promise<void> {
    event.preventDefault();
    const textarea = this.#reason.value;
    const reason = textarea?.value.trim() ?? "";
    if (reason === "") {
      textarea?.setAttribute("aria-invalid", "true");
      textarea?.focus();
      return;
    }
    this.#closeDialog(this.#rejectDialog.value);
    await this.#transition("reject", reason);
  }

  async #confirmDelete(event: Event): Promise<void> {
    event.preventDefault();
    this.#closeDialog(this.#deleteDialog.value);
    if (!this.receipt) return;
    try {
      await api.delete(`${BASE}/receipts/${this.receipt.id}`);
      toast(t("data-entry.workflow.deleted"), { kind: "success" });
      navigate("/data-entry");
    } catch (error) {
      toastError(error, { plugin: "data-entry" });
    }
  }

  override render() {
    if (this.loadError) {
      const missing = this.loadError instanceof ApiError && this.loadError.status === 404;
      return html`<a class="back" href="/data-entry">← ${t("data-entry.list.title")}</a>
        <roa-error-card
          plugin="data-entry"
          ?retryable=${!missing}
          .heading=${missing ? t("data-entry.form.notFound") : t("data-entry.form.loadFailed")}
          .error=${this.loadError}
          @retry=${() => this.#load()}
        ></roa-error-card>`;
    }
    if (this.receiptId !== undefined && !this.receipt) {
      return html`<p class="muted" role="status">${t("data-entry.loading")}</p>`;
    }
    const receipt = this.receipt;
    return html`<a class="back" href="/data-entry">← ${t("data-entry.list.title")}</a>
      <header>
        <h1>${receipt ? t("data-entry.form.titleEdit", { id: receipt.id }) : t("data-entry.form.titleNew")}</h1>
        ${receipt ? statusBadge(receipt.status) : nothing}
      </header>
      ${receipt ? this.#companyNotes(receipt) : nothing}
      ${
        receipt?.status === "REJECTED" && receipt.rejection_reason
          ? html`<p class="card rejected" role="note">
              <strong>${t("data-entry.form.rejectedBecause")}</strong> ${receipt.rejection_reason}
            </p>`
          : nothing
      }
      ${
        // A new receipt starts from the photo (on a phone, the camera button).
        receipt
          ? html`${this.#form()} ${this.#attachmentsSection()}`
          : html`${this.#attachmentsSection()} ${this.#form()}`
      }
      ${this.#ocrSection()}
      ${receipt ? this.#entriesSection(receipt) : nothing} ${receipt ? this.#workflowSection(receipt) : nothing}
      ${receipt ? this.#historySection(receipt) : nothing} ${this.#dialogs()}`;
  }

  /** Whose receipt this is; a notice when the header shows another company; a closed period. */
  #companyNotes(receipt: ReceiptDetail) {
    const nameOf = (id: number) =>
      shellState.companies.find((company) => company.id === id)?.name ?? `#${id}`;
    const own = nameOf(receipt.company_id);
    const other = this.company !== undefined && this.company !== receipt.company_id;
    return html`<p class="company" data-testid="receipt-company">
        ${t("data-entry.form.company", { name: own })}
      </p>
      ${
        other
          ? html`<div class="card notice" role="note" data-testid="other-company">
              <p>${t("data-entry.form.otherCompany", { name: own, current: nameOf(this.company as number) })}</p>
              <button type="button" @click=${() => this.#switchCompany(receipt.company_id)}>
                ${t("data-entry.form.switchCompany", { name: own })}
              </button>
            </div>`
          : nothing
      }
      ${
        receipt.period_closed && receipt.date
          ? html`<p class="card warning" role="note" data-testid="period-closed">
              ${t("data-entry.form.periodClosed", { date: formatDate(receipt.date) })}
            </p>`
          : nothing
      }`;
  }

  /** Asks the app to choose the receipt's company in the header and stay on this receipt. */
  #switchCompany(company: number): void {
    this.dispatchEvent(
      new CustomEvent("switch-company", { detail: { company }, bubbles: true, composed: true }),
    );
  }

  #field(
    field: ReceiptField,
    label: string,
    input: (invalid: boolean, describedBy: string) => unknown,
    wide = false,
  ) {
    const problem = this.errors[field];
    const error = typeof problem === "string" ? problem : problem?.headline;
    const errorDetail = typeof problem === "object" ? errorDetailLine(problem) : "";
    const errorId = `${field}-error`;
    const noteId = `${field}-note`;
    const byOcr = this.ocrFilled.includes(field);
    const missing =
      this.#editable &&
      !this.#ocrReading &&
      (this.receipt?.missing_fields as readonly string[] | undefined)?.includes(field) === true &&
      this.values[field].trim() === "";
    const note = byOcr
      ? html`<span class="field-note ocr-note" id=${noteId}>${t("data-entry.form.readByOcr")}</span>`
      : missing
        ? html`<span class="field-note missing-note" id=${noteId}>${t("data-entry.form.toFill")}</span>`
        : nothing;
    const describedBy = [error ? errorId : "", byOcr || missing ? noteId : ""].join(" ").trim();
    // The messages sit outside the label so they describe the input without renaming it.
    return html`<div
      class="field ${wide ? "wide" : ""} ${byOcr ? "by-ocr" : ""} ${missing ? "missing" : ""}"
      data-field=${field}
    >
      <label>${label} ${input(Boolean(error), describedBy)}</label>
      ${note}
      ${
        error
          ? html`<span class="field-error" id=${errorId}
              >${error}${errorDetail ? html` <small class="error-detail">${errorDetail}</small>` : nothing}</span
            >`
          : nothing
      }
    </div>`;
  }

  #form() {
    const disabled = !this.#editable || this.saving;
    const values = this.values;
    const text =
      (
        field: ReceiptField,
        options: { maxlength?: number; autocomplete?: string; list?: string } = {},
      ) =>
      (invalid: boolean, describedBy: string) =>
        html`<input
          name=${field}
          list=${options.list ?? nothing}
          .value=${live(values[field])}
          maxlength=${options.maxlength ?? 200}
          autocomplete=${options.autocomplete ?? "off"}
          aria-invalid=${invalid ? "true" : "false"}
          aria-describedby=${describedBy}
          ?disabled=${disabled}
          @input=${(event: Event) => this.#set(field, (event.target as HTMLInputElement).value)}
        />`;
    const amount = (field: ReceiptField) => (invalid: boolean, describedBy: string) =>
      html`<input
        name=${field}
        inputmode="decimal"
        .value=${live(values[field])}
        aria-invalid=${invalid ? "true" : "false"}
        aria-describedby=${describedBy}
        ?disabled=${disabled}
        @input=${(event: Event) => this.#set(field, (event.target as HTMLInputElement).value)}
      />`;
    const missing = this.receipt?.missing_fields ?? [];
    return html`<form class="card" novalidate @submit=${this.#save} aria-label=${t("data-entry.form.label")}>
      ${
        missing.length > 0 && this.#editable && !this.#ocrReading
          ? html`<p class="missing-banner" role="note" data-testid="missing-fields">
              ${t("data-entry.form.missing", { fields: fieldLabels(missing) })}
            </p>`
          : nothing
      }
      ${
        this.ocrFilled.length > 0
          ? html`<p class="ocr-banner" role="note" data-testid="ocr-filled">
              ${t("data-entry.form.filledByOcr", { fields: fieldLabels(this.ocrFilled) })}
            </p>`
          : nothing
      }
      <div class="grid">
        ${this.#field("merchant", t("data-entry.field.merchant"), text("merchant", { maxlength: MERCHANT_MAX_LENGTH, list: "partners" }), true)}
        ${this.#field("tax_id", t("data-entry.field.taxId"), text("tax_id", { maxlength: TAX_ID_MAX_LENGTH }))}
        ${this.#field(
          "date",
          t("data-entry.field.date"),
          (invalid, describedBy) => html`<input
            name="date"
            type="date"
            max=${localToday()}
            .value=${live(values.date)}
            aria-invalid=${invalid ? "true" : "false"}
            aria-describedby=${describedBy}
            ?disabled=${disabled}
            @input=${(event: Event) => this.#set("date", (event.target as HTMLInputElement).value)}
          />`,
        )}
        ${this.#field("total", t("data-entry.field.total"), amount("total"))}
        ${this.#field("vat", t("data-entry.field.vat"), amount("vat"))}
        ${this.#field("currency", t("data-entry.field.currency"), text("currency", { maxlength: 3 }))}
        ${this.#field(
          "notes",
          t("data-entry.field.notes"),
          (invalid, describedBy) => html`<textarea
            name="notes"
            rows="2"
            maxlength=${NOTES_MAX_LENGTH}
            .value=${live(values.notes)}
            aria-invalid=${invalid ? "true" : "false"}
            aria-describedby=${describedBy}
            ?disabled=${disabled}
            @input=${(event: Event) => this.#set("notes", (event.target as HTMLTextAreaElement).value)}
          ></textarea>`,
          true,
        )}
      </div>
      <datalist id="partners">
        ${this.partners.map((partner) => html`<option value=${partner.name}>${partner.tax_id}</option>`)}
      </datalist>
      ${
        this.#editable
          ? html`<div class="actions">
              <button type="submit" class="primary" ?disabled=${this.saving}>
                ${this.saving ? t("data-entry.form.saving") : this.receipt ? t("data-entry.form.save") : t("data-entry.form.create")}
              </button>
              ${
                Object.keys(this.errors).length > 0
                  ? html`<span class="field-error" role="alert">${t("data-entry.form.fix")}</span>`
                  : nothing
              }
            </div>`
          : this.receipt
            ? html`<p class="muted">${t("data-entry.form.frozen", { status: statusLabel(this.receipt.status) })}</p>`
            : nothing
      }
    </form>`;
  }

  #attachmentsSection() {
    const canOcr = !ocrSwitchedOff && this.receipt !== undefined;
    const hasImage = this.receipt?.attachments.some((attachment) =>
      isReadableByOcr(attachment.mime),
    );
    return html`<section class="card" aria-labelledby="attachments-title">
      <h2 id="attachments-title">${t("data-entry.attachments.title")}</h2>
      ${
        !this.receipt && this.#editable
          ? html`<p class="muted">${t("data-entry.attachments.photoFirst")}</p>`
          : nothing
      }
      ${ocrSwitchedOff ? html`<p class="muted" data-testid="ocr-off">${t("data-entry.ocr.off")}</p>` : nothing}
      <data-entry-attachments
        .attachments=${this.receipt?.attachments ?? []}
        .pending=${[]}
        ?editable=${this.#editable}
        ?ocr-available=${canOcr && this.ocr.phase !== "running"}
        ?uploading=${this.uploading}
        @files-selected=${(event: CustomEvent<{ files: File[] }>) => this.#filesSelected(event.detail.files)}
        @ocr-request=${(event: CustomEvent<{ attachment: Attachment }>) => this.#runOcr(event.detail.attachment)}
      ></data-entry-attachments>
      ${
        canOcr && hasImage && this.#editable
          ? html`<label class="check">
              <input
                type="checkbox"
                .checked=${live(this.overwrite)}
                @change=${(event: Event) => {
                  this.overwrite = (event.target as HTMLInputElement).checked;
                }}
              />
              ${t("data-entry.ocr.overwrite")}
            </label>`
          : nothing
      }
    </section>`;
  }

  #ocrSection() {
    const ocr = this.ocr;
    if (ocr.phase === "idle") return nothing;
    if (ocr.phase === "running") {
      const percent = Math.round(ocr.progress.progress * 100);
      return html`<section class="card ocr" aria-labelledby="ocr-title">
        <h2 id="ocr-title">${t("data-entry.ocr.title")}</h2>
        <p role="status">
          ${
            ocr.progress.state === "queued"
              ? t("data-entry.ocr.queued")
              : ocr.attachment
                ? t("data-entry.ocr.running", { name: ocr.attachment.display_name })
                : t("data-entry.ocr.runningReceipt")
          }
          ${ocr.progress.stage ? html`<span class="muted">(${ocr.progress.stage})</span>` : nothing}
        </p>
        <progress
          max="100"
          value=${percent}
          aria-label=${t("data-entry.ocr.progress")}
          aria-valuetext=${`${percent}%`}
        ></progress>
        <p class="muted">${percent}%</p>
        <button type="button" @click=${() => {
          this.#ocrController?.abort();
          this.ocr = { phase: "idle" };
        }}>${t("data-entry.ocr.cancel")}</button>
      </section>`;
    }
    if (ocr.phase === "failed") {
      return html`<section class="card ocr" role="alert">
        <h2>${t("data-entry.ocr.title")}</h2>
        <p class="error-text">${t("data-entry.ocr.failed", { message: ocr.error.headline })}</p>
        ${errorDetailLine(ocr.error) ? html`<p class="muted error-detail">${errorDetailLine(ocr.error)}</p>` : nothing}
        <div class="actions">
          ${
            this.#retryAttachment(ocr.attachment)
              ? html`<button type="button" @click=${() => {
                  const attachment = this.#retryAttachment(ocr.attachment);
                  if (attachment) void this.#runOcr(attachment);
                }}>${t("data-entry.ocr.retry")}</button>`
              : nothing
          }
          <button type="button" @click=${() => {
            this.ocr = { phase: "idle" };
          }}>${t("data-entry.ocr.dismiss")}</button>
        </div>
      </section>`;
    }
    // What OCR read that is not what the form holds (fields already filled, which it
    // left alone): offered one by one.
    const proposals = ocr.fields
      ? proposedFields(ocr.fields, decimalSeparator()).filter(
          (proposal) => this.values[proposal.field] !== proposal.value,
        )
      : [];
    const editable = this.#editable;
    return html`<section class="card ocr" aria-labelledby="ocr-title">
      <h2 id="ocr-title">${t("data-entry.ocr.proposed")}</h2>
      <p role="status">
        ${
          ocr.applyError
            ? t("data-entry.ocr.notWritten", { message: ocr.applyError })
            : ocr.filled.length > 0
              ? t("data-entry.ocr.filled", { fields: fieldLabels(ocr.filled) })
              : t("data-entry.ocr.filledNone")
        }
      </p>
      ${
        proposals.length === 0
          ? !ocr.fields || proposedFields(ocr.fields).length === 0
            ? html`<p class="muted">${t("data-entry.ocr.nothing")}</p>`
            : nothing
          : html`<p class="muted">${t("data-entry.ocr.differs")}</p>
            <div style="overflow-x:auto">
              <table>
                <thead>
                  <tr>
                    <th scope="col">${t("data-entry.ocr.field")}</th>
                    <th scope="col">${t("data-entry.ocr.value")}</th>
                    <th scope="col">${t("data-entry.ocr.current")}</th>
                    <th scope="col"><span class="visually-hidden">${t("data-entry.entries.actions")}</span></th>
                  </tr>
                </thead>
                <tbody>
                  ${proposals.map(
                    (proposal) => html`<tr data-field=${proposal.field}>
                      <th scope="row">${t(`data-entry.field.${proposal.field === "tax_id" ? "taxId" : proposal.field}`)}</th>
                      <td>${proposal.value}</td>
                      <td class="muted">${this.values[proposal.field] || "—"}</td>
                      <td>
                        ${
                          this.values[proposal.field] === proposal.value
                            ? html`<span aria-label=${t("data-entry.ocr.same")}>✓</span>`
                            : html`<button
                                type="button"
                                ?disabled=${!editable}
                                aria-label=${t("data-entry.ocr.acceptField", { field: t(`data-entry.field.${proposal.field === "tax_id" ? "taxId" : proposal.field}`) })}
                                @click=${() => this.#accept([proposal])}
                              >
                                ${t("data-entry.ocr.accept")}
                              </button>`
                        }
                      </td>
                    </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
      }
      <div class="actions">
        ${
          proposals.length > 0
            ? html`<button type="button" class="primary" ?disabled=${!editable} @click=${() => this.#accept(proposals)}>
                ${t("data-entry.ocr.acceptAll")}
              </button>`
            : nothing
        }
        <button type="button" @click=${() => {
          this.ocr = { phase: "idle" };
        }}>${t("data-entry.ocr.dismiss")}</button>
      </div>
      ${proposals.length > 0 ? html`<p class="muted">${t("data-entry.ocr.thenSave")}</p>` : nothing}
    </section>`;
  }

  /** The attachment to read again: the one that failed, else the receipt's first image. */
  #retryAttachment(attachment: Attachment | undefined): Attachment | undefined {
    return (
      attachment ?? this.receipt?.attachments.find((candidate) => isReadableByOcr(candidate.mime))
    );
  }

  #entriesSection(receipt: ReceiptDetail) {
    return html`<section class="card" aria-labelledby="entries-title">
      <h2 id="entries-title">${t("data-entry.entries.title")}</h2>
      ${this.#bookingNotes(receipt)}
      <data-entry-entries
        receipt-id=${receipt.id}
        .company=${receipt.company_id}
        .currency=${receipt.currency ?? "RON"}
        .missing=${receipt.missing_fields}
        ?editable=${this.#editable}
        @entries-state=${(event: CustomEvent<EntriesState>) => {
          this.entries = event.detail;
        }}
        @entries-proposed=${() => void this.#refreshBooking()}
      ></data-entry-entries>
    </section>`;
  }

  /** After a proposal: the rate, supplier and notices it used, leaving form edits alone. */
  async #refreshBooking(): Promise<void> {
    if (!this.receipt) return;
    // Only notes beside the entries: a failure leaves the previous ones (the form reports its own).
    const fresh = await api
      .get<ReceiptDetail>(`${BASE}/receipts/${this.receipt.id}`)
      .catch(() => undefined);
    if (!fresh || this.receipt?.id !== fresh.id) return;
    const { exchange, supplier, notices, warnings, updated_at } = fresh;
    this.receipt = { ...this.receipt, exchange, supplier, notices, warnings, updated_at };
  }

  /** The rate and both amounts of a receipt not in lei, its ERP supplier, what needs attention. */
  #bookingNotes(receipt: ReceiptDetail) {
    const exchange = receipt.exchange;
    const foreign = receipt.currency !== null && receipt.currency !== "RON";
    const notices = receipt.notices ?? [];
    const supplierAccount = receipt.supplier?.account ?? "401";
    return html`<div class="booking" data-testid="booking">
      ${
        exchange
          ? html`<p data-testid="exchange-rate">
              ${t("data-entry.booking.rate", {
                date: formatDate(exchange.rate_date),
                multiplier: exchange.multiplier,
                currency: exchange.currency,
                rate: formatNumber(exchange.rate, 4),
              })}
              <br />
              ${t("data-entry.booking.amounts", {
                total: formatMoney(receipt.total, exchange.currency),
                totalRon: formatMoney(exchange.total_ron, "RON"),
                vat: formatMoney(receipt.vat, exchange.currency),
                vatRon: formatMoney(exchange.vat_ron, "RON"),
              })}
            </p>`
          : foreign && !notices.includes("NO_EXCHANGE_RATE")
            ? html`<p class="muted">${t("data-entry.booking.notProposed", { currency: receipt.currency ?? "" })}</p>`
            : nothing
      }
      ${foreign ? html`<p class="muted">${t("data-entry.booking.foreignVat")}</p>` : nothing}
      ${
        receipt.supplier?.partner_id != null
          ? html`<p class="muted" data-testid="erp-supplier">
              ${t("data-entry.booking.supplier", {
                name: receipt.supplier.name ?? "",
                account: receipt.supplier.account,
              })}
            </p>`
          : nothing
      }
      ${notices.map(
        (notice) =>
          html`<p class="field-error" role="alert" data-testid=${`notice-${notice}`}>
            ${t(`data-entry.notice.${notice}`, {
              account: supplierAccount,
              currency: receipt.currency ?? "",
              date: formatDate(receipt.date),
            })}
          </p>`,
      )}
    </div>`;
  }

  #workflowSection(receipt: ReceiptDetail) {
    const actions = receipt.allowed_transitions.filter((choice) =>
      shellState.can(ACTION_PERMISSION[choice.action]),
    );
    // Segregation of duties: shown disabled, with the reason below, rather than hidden.
    const reviewBlocked = receipt.review_blocked ?? null;
    const isReview = (action: WorkflowAction) => action === "approve" || action === "reject";
    const canDelete =
      shellState.can("data-entry:write") &&
      (receipt.status === "DRAFT" || receipt.status === "REJECTED");
    if (actions.length === 0 && !canDelete) return nothing;
    const missing = receipt.missing_fields;
    const submitBlocked =
      missing.length > 0 ||
      (this.entries !== undefined && (!this.entries.balanced || this.entries.dirty));
    return html`<section class="card" aria-labelledby="workflow-title">
      <h2 id="workflow-title">${t("data-entry.workflow.title")}</h2>
      <div class="actions">
        ${actions.map((choice) => {
          const busy = this.busyAction !== undefined;
          if (choice.action === "reject") {
            return html`<button
              type="button"
              class="danger"
              ?disabled=${busy || reviewBlocked !== null}
              @click=${() => {
                if (this.#reason.value) {
                  this.#reason.value.value = "";
                  this.#reason.value.removeAttribute("aria-invalid");
                }
                this.#openDialog(this.#rejectDialog.value, this.#reason.value);
              }}
            >
              ${t("data-entry.workflow.reject")}
            </button>`;
          }
          const blocked =
            (choice.action === "submit" && submitBlocked) ||
            (isReview(choice.action) && reviewBlocked !== null);
          return html`<button
            type="button"
            class=${choice.action === "approve" || choice.action === "submit" ? "primary" : ""}
            ?disabled=${busy || blocked}
            @click=${() => this.#transition(choice.action)}
          >
            ${t(`data-entry.workflow.${choice.action}`)}
          </button>`;
        })}
        ${
          canDelete
            ? html`<button type="button" class="danger" @click=${() => this.#openDialog(this.#deleteDialog.value)}>
                ${t("data-entry.workflow.delete")}
              </button>`
            : nothing
        }
      </div>
      ${
        reviewBlocked !== null && actions.some((choice) => isReview(choice.action))
          ? html`<p class="muted" data-testid="review-blocked">${t(
              `data-entry.workflow.reviewBlocked.${reviewBlocked}`,
            )}</p>`
          : nothing
      }
      ${
        actions.some((choice) => choice.action === "submit") && submitBlocked
          ? html`<p class="muted" data-testid="submit-blocked">${
              missing.length > 0
                ? t("data-entry.workflow.missing", { fields: fieldLabels(missing) })
                : this.entries?.dirty
                  ? t("data-entry.workflow.saveEntriesFirst")
                  : t("data-entry.workflow.needsEntries")
            }</p>`
          : nothing
      }
    </section>`;
  }

  #historySection(receipt: ReceiptDetail) {
    return html`<section class="card" aria-labelledby="history-title">
      <h2 id="history-title">${t("data-entry.history.title")}</h2>
      ${
        receipt.history.length === 0
          ? html`<p class="muted">${t("data-entry.history.empty")}</p>`
          : html`<ol class="history">
              ${receipt.history.map(
                (entry) => html`<li data-event=${entry.event}>
                  <strong>${historyHeading(entry)}</strong>
                  <span class="muted">· ${entry.by} · ${formatDateTime(entry.at)}</span>
                  ${entry.reason && entry.event === "status" ? html`<div>${t("data-entry.history.reason")}: ${entry.reason}</div>` : nothing}
                </li>`,
              )}
            </ol>`
      }
    </section>`;
  }

  #dialogs() {
    return html`<dialog
        ${ref(this.#rejectDialog)}
        aria-labelledby="reject-title"
        @close=${() => this.#restoreFocus()}
      >
        <form @submit=${this.#confirmReject}>
          <h2 id="reject-title">${t("data-entry.workflow.rejectTitle")}</h2>
          <label>
            ${t("data-entry.workflow.reason")}
            <textarea ${ref(this.#reason)} name="reason" rows="3" required maxlength="1000"></textarea>
          </label>
          <div class="actions">
            <button type="button" @click=${() => this.#closeDialog(this.#rejectDialog.value)}>
              ${t("data-entry.cancel")}
            </button>
            <button type="submit" class="danger">${t("data-entry.workflow.confirmReject")}</button>
          </div>
        </form>
      </dialog>
      <dialog
        ${ref(this.#deleteDialog)}
        aria-labelledby="delete-title"
        @close=${() => this.#restoreFocus()}
      >
        <form @submit=${this.#confirmDelete}>
          <h2 id="delete-title">${t("data-entry.workflow.deleteTitle")}</h2>
          <p>${t("data-entry.workflow.deleteText")}</p>
          <div class="actions">
            <button type="button" autofocus @click=${() => this.#closeDialog(this.#deleteDialog.value)}>
              ${t("data-entry.cancel")}
            </button>
            <button type="submit" class="danger">${t("data-entry.workflow.confirmDelete")}</button>
          </div>
        </form>
      </dialog>`;
  }
}

if (!customElements.get("data-entry-receipt")) {
  customElements.define("data-entry-receipt", DataEntryReceipt);
}
