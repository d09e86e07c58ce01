/**
 * <data-entry-receipt>: one receipt — new (`/data-entry/new`) or stored
 * (`/data-entry/receipts/12`). This element loads it, owns the form's values and
 * keeps its parts in step; each part has one job (in `receipt/`):
 * `<data-entry-receipt-header>` (which receipt, whose company, closed period, why
 * rejected), `<data-entry-receipt-form>` (the fields, with what is wrong with each),
 * the attachments, `ReceiptOcr` and `<data-entry-ocr-panel>` (reading a scan: live
 * progress, then values to accept), the entries with `<data-entry-booking-notes>`,
 * `<data-entry-workflow>` (submit, approve, reject, reopen, delete) and
 * `<data-entry-receipt-history>`.
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
  css,
  describeFieldError,
  FollowLocale,
  html,
  LitElement,
  live,
  navigate,
  nothing,
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
  RECEIPT_FIELDS,
  type ReceiptField,
  type ReceiptFormValues,
  receiptFormValues,
  toReceiptBody,
  toReceiptPatch,
  validateReceiptForm,
} from "./form-rules.js";
import { proposedFields } from "./ocr-progress.js";
import "./receipt/booking-notes.js";
import type { OcrProposal } from "./receipt/ocr-panel.js";
import "./receipt/ocr-panel.js";
import { ReceiptOcr } from "./receipt/ocr-reading.js";
import type { DataEntryReceiptForm, FieldInput, FieldProblem } from "./receipt/receipt-form.js";
import "./receipt/receipt-form.js";
import "./receipt/receipt-header.js";
import "./receipt/receipt-history.js";
import type { ReceiptChange } from "./receipt/workflow-bar.js";
import "./receipt/workflow-bar.js";
import type { Attachment, OcrJob, Receipt, ReceiptDetail } from "./types.js";

const BASE = "/api/data-entry";

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
    ocrFilled: { state: true },
    overwrite: { state: true },
    entries: { state: true },
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
      section.card h2 {
        margin-bottom: var(--roa-space-3);
      }
      a.back {
        font-size: 0.9rem;
      }
      label.check {
        display: flex;
        gap: var(--roa-space-2);
        align-items: center;
      }
      label.check input {
        width: auto;
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
  /** Fields the server filled from OCR, marked until the user saves the form. */
  declare ocrFilled: string[];
  /** "Citește cu OCR" also replaces fields already filled (an explicit choice). */
  declare overwrite: boolean;
  declare entries: EntriesState | undefined;
  /** Fields the user typed into on a new receipt (sent after a photo creates it). */
  #typed = new Set<ReceiptField>();
  /** The id this element just created: no reload when the route catches up with it. */
  #created: number | undefined;
  #ocr = new ReceiptOcr(this, (job, attachment) => this.#afterOcr(job, attachment));

  constructor() {
    super();
    new FollowLocale(this);
    this.values = emptyForm();
    this.errors = {};
    this.touched = false;
    this.loading = false;
    this.saving = false;
    this.uploading = false;
    this.ocrFilled = [];
    this.overwrite = false;
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has("receiptId")) {
      if (this.receiptId === undefined) {
        this.#ocr.stop();
        this.receipt = undefined;
        this.values = emptyForm();
        this.errors = {};
        this.ocrFilled = [];
        this.#typed.clear();
        this.entries = undefined;
      } else if (this.receiptId !== this.#created) {
        this.#ocr.stop();
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
    const view = this.#ocr.view;
    return (
      view.phase === "running" || (view.phase === "idle" && this.receipt?.ocr_status === "pending")
    );
  }

  get #editable(): boolean {
    const status = this.receipt?.status;
    return (
      shellState.can("data-entry:write") &&
      (status === undefined || status === "DRAFT" || status === "REJECTED")
    );
  }

  get #form(): DataEntryReceiptForm | null {
    return this.renderRoot.querySelector<DataEntryReceiptForm>("data-entry-receipt-form");
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
      if (receipt.ocr_status === "pending" && receipt.ocr_job_id && !this.#ocr.running) {
        void this.#ocr.follow(receipt.ocr_job_id, undefined, receipt.id);
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

  #set({ field, value }: FieldInput): void {
    this.values = { ...this.values, [field]: value };
    if (!this.receipt) this.#typed.add(field);
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

  async #save(): Promise<void> {
    this.touched = true;
    const rules = validateReceiptForm(this.values, localToday(), this.#optional);
    const fields = Object.keys(rules) as ReceiptField[];
    if (fields.length > 0) {
      this.errors = Object.fromEntries(fields.map((field) => [field, t(rules[field] ?? "")]));
      await this.updateComplete;
      await this.#form?.focusField(fields[0] as ReceiptField);
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
        await this.#reloadEntries();
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

  /** A refusal about one field goes next to it; anything else is a toast. */
  #showSaveError(error: unknown): void {
    const problem = describeFieldError(error, RECEIPT_FIELDS, undefined, { plugin: "data-entry" });
    if (problem) {
      this.errors = { ...this.errors, [problem.field]: problem };
      void this.updateComplete.then(() => this.#form?.focusField(problem.field));
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
      void this.#ocr.follow(created.ocr_job_id, created.attachments[0], created.id);
    } else if (isReadableByOcr(created.attachments[0]?.mime ?? "")) {
      ReceiptOcr.switchedOff = true; // a readable file and no job: this server has OCR off
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
      if (image && missing && !ReceiptOcr.switchedOff && !this.#ocr.running) {
        void this.#runOcr(image);
      }
    }
  }

  async #runOcr(attachment: Attachment): Promise<void> {
    if (!this.receipt) return;
    await this.#ocr.run(this.receipt.id, attachment, this.overwrite);
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
    this.#ocr.show({
      phase: "done",
      attachment,
      fields: job.fields ?? null,
      filled,
      applyError: job.applied?.error ?? null,
    });
  }

  #accept(proposals: OcrProposal[]): void {
    let values = { ...this.values };
    for (const { field, value } of proposals) values = { ...values, [field]: value };
    this.values = values;
    this.touched = true;
    const rules = validateReceiptForm(this.values, localToday());
    this.errors = Object.fromEntries(
      (Object.keys(rules) as ReceiptField[]).map((field) => [field, t(rules[field] ?? "")]),
    );
    const view = this.#ocr.view;
    if (view.phase === "done" && view.fields) {
      const remaining = proposedFields(view.fields, decimalSeparator()).filter(
        (proposal) => this.values[proposal.field] !== proposal.value,
      );
      if (remaining.length === 0 && view.filled.length === 0) this.#ocr.show({ phase: "idle" });
    }
    toast(t("data-entry.ocr.accepted"), { kind: "info" });
  }

  /** The attachment to read again: the one that failed, else the receipt's first image. */
  #retryAttachment(attachment: Attachment | undefined): Attachment | undefined {
    return (
      attachment ?? this.receipt?.attachments.find((candidate) => isReadableByOcr(candidate.mime))
    );
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

  async #reloadEntries(): Promise<void> {
    await this.renderRoot
      .querySelector<HTMLElement & { load(): Promise<void> }>("data-entry-entries")
      ?.load();
  }

  /** A workflow step was tried: read the receipt again, and after a move its entries. */
  #workflowChanged(event: CustomEvent<ReceiptChange>): void {
    const { moved } = event.detail;
    event.detail.wait(
      moved
        ? this.#refresh()
            .then(() => this.#reloadEntries())
            .catch((error) => toastError(error, { plugin: "data-entry" }))
        : this.#refresh().catch(() => undefined),
    );
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
    const ocr = this.#ocr.view;
    return html`<data-entry-receipt-header
        .receipt=${receipt}
        .company=${this.company}
      ></data-entry-receipt-header>
      ${
        // A new receipt starts from the photo (on a phone, the camera button).
        receipt
          ? html`${this.#formPart()} ${this.#attachmentsSection()}`
          : html`${this.#attachmentsSection()} ${this.#formPart()}`
      }
      <data-entry-ocr-panel
        .view=${ocr}
        .values=${this.values}
        ?editable=${this.#editable}
        .retry=${ocr.phase === "failed" ? this.#retryAttachment(ocr.attachment) : undefined}
        @ocr-cancel=${() => this.#ocr.stop()}
        @ocr-dismiss=${() => this.#ocr.show({ phase: "idle" })}
        @ocr-retry=${(event: CustomEvent<Attachment>) => void this.#runOcr(event.detail)}
        @ocr-accept=${(event: CustomEvent<OcrProposal[]>) => this.#accept(event.detail)}
      ></data-entry-ocr-panel>
      ${receipt ? this.#entriesSection(receipt) : nothing}
      <data-entry-workflow
        .receipt=${receipt}
        .entries=${this.entries}
        @receipt-changed=${this.#workflowChanged}
      ></data-entry-workflow>
      <data-entry-receipt-history .receipt=${receipt}></data-entry-receipt-history>`;
  }

  #formPart() {
    const editable = this.#editable;
    const missing = this.receipt?.missing_fields ?? [];
    return html`<data-entry-receipt-form
      .values=${this.values}
      .errors=${this.errors}
      .ocrFilled=${this.ocrFilled}
      .missing=${editable && !this.#ocrReading ? missing : []}
      ?editable=${editable}
      ?saving=${this.saving}
      .status=${this.receipt?.status}
      .company=${this.receipt?.company_id ?? this.company}
      @field-input=${(event: CustomEvent<FieldInput>) => this.#set(event.detail)}
      @receipt-save=${() => void this.#save()}
    ></data-entry-receipt-form>`;
  }

  #attachmentsSection() {
    const canOcr = !ReceiptOcr.switchedOff && this.receipt !== undefined;
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
      ${ReceiptOcr.switchedOff ? html`<p class="muted" data-testid="ocr-off">${t("data-entry.ocr.off")}</p>` : nothing}
      <data-entry-attachments
        .attachments=${this.receipt?.attachments ?? []}
        .pending=${[]}
        ?editable=${this.#editable}
        ?ocr-available=${canOcr && !this.#ocr.running}
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

  #entriesSection(receipt: ReceiptDetail) {
    return html`<section class="card" aria-labelledby="entries-title">
      <h2 id="entries-title">${t("data-entry.entries.title")}</h2>
      <data-entry-booking-notes .receipt=${receipt}></data-entry-booking-notes>
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
}

if (!customElements.get("data-entry-receipt")) {
  customElements.define("data-entry-receipt", DataEntryReceipt);
}
