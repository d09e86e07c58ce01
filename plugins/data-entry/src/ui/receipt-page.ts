/**
 * <data-entry-receipt>: one receipt — new (`/data-entry/new`) or stored
 * (`/data-entry/receipts/12`). The form (checked here with the server's rules, the
 * server's VALIDATION_FAILED shown next to the field it names), the attachments with
 * OCR of images (live progress, then fields to accept), the accounting entries, the
 * workflow buttons the receipt allows, and its history.
 *
 * A new receipt keeps chosen files until it is saved (an attachment belongs to a
 * stored receipt), then uploads them and reads the first image with OCR.
 */
import {
  ApiError,
  api,
  createRef,
  css,
  formatDateTime,
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
} from "@roa2web/ui-shell/api";
import { isImage } from "./attachments.js";
import { decimalSeparator, type EntriesState } from "./entries-grid.js";
import {
  amountText,
  fieldMessage,
  fieldOfError,
  localToday,
  MERCHANT_MAX_LENGTH,
  NOTES_MAX_LENGTH,
  type ReceiptField,
  type ReceiptFormValues,
  TAX_ID_MAX_LENGTH,
  toReceiptBody,
  validateReceiptForm,
} from "./form-rules.js";
import {
  followOcrJob,
  OcrDisabledError,
  OcrFailedError,
  type OcrProgress,
  type OcrTransport,
  proposedFields,
  startOcr,
} from "./ocr-progress.js";
import { statusBadge, statusLabel } from "./status-badge.js";
import type { Attachment, OcrFields, Receipt, ReceiptDetail, WorkflowAction } from "./types.js";

const BASE = "/api/data-entry";

/** Learnt from a 503 on start: this server has OCR switched off (until a reload). */
let ocrSwitchedOff = false;

const transport: OcrTransport = {
  get: (path, options) => api.get(path, options),
  post: (path, body) => api.post(path, body),
  events: readEvents,
};

type OcrView =
  | { phase: "idle" }
  | { phase: "running"; attachment: Attachment; progress: OcrProgress }
  | { phase: "done"; attachment: Attachment; fields: OcrFields }
  | { phase: "failed"; attachment: Attachment; message: string };

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
  return {
    merchant: receipt.merchant,
    tax_id: receipt.tax_id,
    date: receipt.date,
    total: amountText(receipt.total, decimalSeparator()),
    vat: amountText(receipt.vat, decimalSeparator()),
    currency: receipt.currency,
    notes: receipt.notes ?? "",
  };
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
    pending: { state: true },
    uploading: { state: true },
    ocr: { state: true },
    entries: { state: true },
    busyAction: { state: true },
  };
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: grid;
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
    `,
  ];

  declare receiptId: number | undefined;
  declare company: number | undefined;
  declare receipt: ReceiptDetail | undefined;
  declare values: ReceiptFormValues;
  /** Field -> message (already translated, or the server's text). */
  declare errors: Partial<Record<ReceiptField, string>>;
  declare touched: boolean;
  declare loading: boolean;
  declare loadError: unknown;
  declare saving: boolean;
  declare pending: File[];
  declare uploading: boolean;
  declare ocr: OcrView;
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
    this.pending = [];
    this.uploading = false;
    this.ocr = { phase: "idle" };
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#offLocale = onLocaleChange(() => this.requestUpdate());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#offLocale?.();
    this.#ocrController?.abort();
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has("receiptId")) {
      if (this.receiptId === undefined) {
        this.#ocrController?.abort();
        this.receipt = undefined;
        this.values = emptyForm();
        this.errors = {};
        this.pending = [];
        this.ocr = { phase: "idle" };
        this.entries = undefined;
      } else if (this.receiptId !== this.#created) {
        this.#ocrController?.abort();
        this.ocr = { phase: "idle" };
        // Another receipt: never show the previous one while this one loads.
        this.receipt = undefined;
        this.loadError = undefined;
        this.entries = undefined;
        void this.#load();
      }
    }
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
    if (this.touched || this.errors[field]) {
      const rules = validateReceiptForm(this.values, localToday());
      const next = { ...this.errors };
      if (rules[field]) next[field] = t(rules[field]);
      else delete next[field];
      this.errors = next;
    }
  }

  async #save(event: Event): Promise<void> {
    event.preventDefault();
    this.touched = true;
    const rules = validateReceiptForm(this.values, localToday());
    const fields = Object.keys(rules) as ReceiptField[];
    if (fields.length > 0) {
      this.errors = Object.fromEntries(fields.map((field) => [field, t(rules[field] ?? "")]));
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>(`[name="${fields[0]}"]`)?.focus();
      return;
    }
    this.saving = true;
    const body = toReceiptBody(this.values);
    try {
      if (this.receipt) {
        const saved = await api.patch<Receipt>(`${BASE}/receipts/${this.receipt.id}`, body);
        this.receipt = { ...this.receipt, ...saved };
        this.values = formOf(saved);
        toast(t("data-entry.form.saved"), { kind: "success" });
        await this.renderRoot
          .querySelector<HTMLElement & { load(): Promise<void> }>("data-entry-entries")
          ?.load();
      } else {
        if (!this.company) throw new Error(t("data-entry.noCompany"));
        const created = await api.post<Receipt>(`${BASE}/receipts`, {
          company_id: this.company,
          ...body,
        });
        this.#created = created.id;
        this.receipt = { ...created, history: [], attachments: [] };
        this.values = formOf(created);
        toast(t("data-entry.form.created"), { kind: "success" });
        navigate(`/data-entry/receipts/${created.id}`, { replace: true });
        const files = this.pending;
        this.pending = [];
        if (files.length > 0) await this.#upload(files);
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
    if (error instanceof ApiError) {
      const field = fieldOfError(error);
      if (field) {
        this.errors = { ...this.errors, [field]: fieldMessage(error.message) };
        void this.updateComplete.then(() =>
          this.renderRoot.querySelector<HTMLElement>(`[name="${field}"]`)?.focus(),
        );
        return;
      }
    }
    toast(error instanceof Error ? error.message : String(error), { kind: "error" });
  }

  async #filesSelected(files: File[]): Promise<void> {
    if (!this.receipt) {
      this.pending = [...this.pending, ...files];
      return;
    }
    await this.#upload(files);
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
          toast(
            t("data-entry.attachments.failed", {
              name: file.name,
              message: error instanceof Error ? error.message : String(error),
            }),
            { kind: "error" },
          );
        }
      }
    } finally {
      this.uploading = false;
    }
    if (uploaded.length > 0) {
      toast(t("data-entry.attachments.uploaded", { count: uploaded.length }), { kind: "success" });
      const image = uploaded.find((attachment) => isImage(attachment.mime));
      if (image && !ocrSwitchedOff && this.ocr.phase !== "running") void this.#runOcr(image);
    }
  }

  async #runOcr(attachment: Attachment): Promise<void> {
    this.#ocrController?.abort();
    const controller = new AbortController();
    this.#ocrController = controller;
    this.ocr = { phase: "running", attachment, progress: { state: "queued", progress: 0 } };
    try {
      const jobId = await startOcr(transport, attachment.id);
      const job = await followOcrJob(jobId, {
        transport,
        signal: controller.signal,
        onProgress: (progress) => {
          if (!controller.signal.aborted) this.ocr = { phase: "running", attachment, progress };
        },
      });
      if (controller.signal.aborted) return;
      this.ocr = {
        phase: "done",
        attachment,
        fields: job.fields ?? {
          merchant: null,
          tax_id: null,
          date: null,
          total: null,
          vat: null,
          currency: null,
        },
      };
    } catch (error) {
      if (controller.signal.aborted) return;
      if (error instanceof OcrDisabledError) {
        ocrSwitchedOff = true;
        this.ocr = { phase: "idle" };
        return;
      }
      const message =
        error instanceof OcrFailedError || error instanceof Error ? error.message : String(error);
      this.ocr = { phase: "failed", attachment, message };
    }
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
    if (this.ocr.phase === "done") {
      const remaining = proposedFields(this.ocr.fields, decimalSeparator()).filter(
        (proposal) => this.values[proposal.field] !== proposal.value,
      );
      if (remaining.length === 0) this.ocr = { phase: "idle" };
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
      const details = error instanceof ApiError ? (error.details as { lines?: number }) : undefined;
      const message =
        action === "submit" && details && "lines" in details
          ? t("data-entry.workflow.unbalanced")
          : error instanceof Error
            ? error.message
            : String(error);
      toast(message, { kind: "error" });
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
      toast(error instanceof Error ? error.message : String(error), { kind: "error" });
    }
  }

  override render() {
    if (this.loadError) {
      const missing = this.loadError instanceof ApiError && this.loadError.status === 404;
      return html`<a class="back" href="/data-entry">← ${t("data-entry.list.title")}</a>
        <roa-error-card
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
      ${
        receipt?.status === "REJECTED" && receipt.rejection_reason
          ? html`<p class="card rejected" role="note">
              <strong>${t("data-entry.form.rejectedBecause")}</strong> ${receipt.rejection_reason}
            </p>`
          : nothing
      }
      ${this.#form()} ${this.#attachmentsSection()} ${this.#ocrSection()}
      ${receipt ? this.#entriesSection(receipt) : nothing} ${receipt ? this.#workflowSection(receipt) : nothing}
      ${receipt ? this.#historySection(receipt) : nothing} ${this.#dialogs()}`;
  }

  #field(
    field: ReceiptField,
    label: string,
    input: (invalid: boolean, describedBy: string) => unknown,
    wide = false,
  ) {
    const error = this.errors[field];
    const errorId = `${field}-error`;
    // The message sits outside the label so it describes the input without renaming it.
    return html`<div class="field ${wide ? "wide" : ""}">
      <label>${label} ${input(Boolean(error), error ? errorId : "")}</label>
      ${error ? html`<span class="field-error" id=${errorId}>${error}</span>` : nothing}
    </div>`;
  }

  #form() {
    const disabled = !this.#editable || this.saving;
    const values = this.values;
    const text =
      (field: ReceiptField, options: { maxlength?: number; autocomplete?: string } = {}) =>
      (invalid: boolean, describedBy: string) =>
        html`<input
          name=${field}
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
    return html`<form class="card" novalidate @submit=${this.#save} aria-label=${t("data-entry.form.label")}>
      <div class="grid">
        ${this.#field("merchant", t("data-entry.field.merchant"), text("merchant", { maxlength: MERCHANT_MAX_LENGTH }), true)}
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
    const canOcr = !ocrSwitchedOff;
    return html`<section class="card" aria-labelledby="attachments-title">
      <h2 id="attachments-title">${t("data-entry.attachments.title")}</h2>
      ${
        !this.receipt && this.pending.length > 0
          ? html`<p class="muted">${t("data-entry.attachments.afterSave")}</p>`
          : nothing
      }
      ${ocrSwitchedOff ? html`<p class="muted" data-testid="ocr-off">${t("data-entry.ocr.off")}</p>` : nothing}
      <data-entry-attachments
        .attachments=${this.receipt?.attachments ?? []}
        .pending=${this.pending}
        ?editable=${this.#editable}
        ?ocr-available=${canOcr && this.ocr.phase !== "running"}
        ?uploading=${this.uploading}
        @files-selected=${(event: CustomEvent<{ files: File[] }>) => this.#filesSelected(event.detail.files)}
        @remove-pending=${(event: CustomEvent<{ index: number }>) => {
          this.pending = this.pending.filter((_, index) => index !== event.detail.index);
        }}
        @ocr-request=${(event: CustomEvent<{ attachment: Attachment }>) => this.#runOcr(event.detail.attachment)}
      ></data-entry-attachments>
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
          ${ocr.progress.state === "queued" ? t("data-entry.ocr.queued") : t("data-entry.ocr.running", { name: ocr.attachment.display_name })}
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
        <p class="error-text">${t("data-entry.ocr.failed", { message: ocr.message })}</p>
        <div class="actions">
          <button type="button" @click=${() => this.#runOcr(ocr.attachment)}>${t("data-entry.ocr.retry")}</button>
          <button type="button" @click=${() => {
            this.ocr = { phase: "idle" };
          }}>${t("data-entry.ocr.dismiss")}</button>
        </div>
      </section>`;
    }
    const proposals = proposedFields(ocr.fields, decimalSeparator());
    const editable = this.#editable;
    return html`<section class="card ocr" aria-labelledby="ocr-title">
      <h2 id="ocr-title">${t("data-entry.ocr.proposed")}</h2>
      ${
        proposals.length === 0
          ? html`<p class="muted">${t("data-entry.ocr.nothing")}</p>`
          : html`<div style="overflow-x:auto">
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
      <p class="muted">${t("data-entry.ocr.thenSave")}</p>
    </section>`;
  }

  #entriesSection(receipt: ReceiptDetail) {
    return html`<section class="card" aria-labelledby="entries-title">
      <h2 id="entries-title">${t("data-entry.entries.title")}</h2>
      <data-entry-entries
        receipt-id=${receipt.id}
        .company=${receipt.company_id}
        .currency=${receipt.currency}
        ?editable=${this.#editable}
        @entries-state=${(event: CustomEvent<EntriesState>) => {
          this.entries = event.detail;
        }}
      ></data-entry-entries>
    </section>`;
  }

  #workflowSection(receipt: ReceiptDetail) {
    const actions = receipt.allowed_transitions.filter((choice) =>
      shellState.can(ACTION_PERMISSION[choice.action]),
    );
    const canDelete =
      shellState.can("data-entry:write") &&
      (receipt.status === "DRAFT" || receipt.status === "REJECTED");
    if (actions.length === 0 && !canDelete) return nothing;
    const submitBlocked =
      this.entries !== undefined && (!this.entries.balanced || this.entries.dirty);
    return html`<section class="card" aria-labelledby="workflow-title">
      <h2 id="workflow-title">${t("data-entry.workflow.title")}</h2>
      <div class="actions">
        ${actions.map((choice) => {
          const busy = this.busyAction !== undefined;
          if (choice.action === "reject") {
            return html`<button
              type="button"
              class="danger"
              ?disabled=${busy}
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
          const blocked = choice.action === "submit" && submitBlocked;
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
        actions.some((choice) => choice.action === "submit") && submitBlocked
          ? html`<p class="muted">${this.entries?.dirty ? t("data-entry.workflow.saveEntriesFirst") : t("data-entry.workflow.needsEntries")}</p>`
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
                (entry) => html`<li>
                  <strong>${entry.from ? `${statusLabel(entry.from)} → ${statusLabel(entry.to)}` : t("data-entry.history.created")}</strong>
                  <span class="muted">· ${entry.by} · ${formatDateTime(entry.at)}</span>
                  ${entry.reason ? html`<div>${t("data-entry.history.reason")}: ${entry.reason}</div>` : nothing}
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
