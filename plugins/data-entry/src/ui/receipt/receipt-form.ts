/**
 * <data-entry-receipt-form>: the receipt's fields — supplier (with suggestions from the
 * ERP's partners), tax id, date, amounts, currency, notes — each with what is wrong
 * with it (the page's checks or the server's refusal), whether OCR filled it, and
 * whether it is still to fill in. The page owns the values: typing sends
 * `field-input` ({field, value}) and the button `receipt-save`.
 */
import {
  ApiError,
  api,
  css,
  type ErrorDescription,
  errorDetailLine,
  FollowLocale,
  html,
  LitElement,
  live,
  nothing,
  sharedStyles,
  t,
} from "@roa2web/ui-shell/api";
import {
  localToday,
  MERCHANT_MAX_LENGTH,
  NOTES_MAX_LENGTH,
  type PartnerOption,
  partnerNamed,
  type ReceiptField,
  type ReceiptFormValues,
  TAX_ID_MAX_LENGTH,
  toPartnerOptions,
} from "../form-rules.js";
import { statusLabel } from "../status-badge.js";
import type { ReceiptStatus } from "../types.js";
import { partStyles } from "./styles.js";
import { fieldLabels } from "./texts.js";

/** A field's problem: a rule checked in the page (already in the user's words), or the server's refusal. */
export type FieldProblem = string | ErrorDescription;

export interface FieldInput {
  field: ReceiptField;
  value: string;
}

const PARTNERS = "/api/data-entry/nomenclature/partners";

export class DataEntryReceiptForm extends LitElement {
  static override properties = {
    values: { attribute: false },
    errors: { attribute: false },
    ocrFilled: { attribute: false },
    missing: { attribute: false },
    editable: { type: Boolean },
    saving: { type: Boolean },
    status: {},
    company: { type: Number },
    partners: { state: true },
  };
  static override styles = [
    sharedStyles,
    partStyles,
    css`
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
      textarea {
        width: 100%;
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
    `,
  ];

  declare values: ReceiptFormValues;
  declare errors: Partial<Record<ReceiptField, FieldProblem>>;
  /** Fields the server filled from OCR, marked until the user saves. */
  declare ocrFilled: readonly string[];
  /** Fields still to fill in (none while OCR reads them or the receipt is frozen). */
  declare missing: readonly string[];
  declare editable: boolean;
  declare saving: boolean;
  /** The stored receipt's status; undefined for a new receipt. */
  declare status: ReceiptStatus | undefined;
  /** The company whose partners the supplier suggests. */
  declare company: number | undefined;
  declare partners: PartnerOption[];
  #partnerTimer: ReturnType<typeof setTimeout> | undefined;
  #partnerController: AbortController | undefined;
  /** Set once the partners lookup answered 404: no more lookups this session. */
  static partnersMissing = false;

  constructor() {
    super();
    new FollowLocale(this);
    this.errors = {};
    this.ocrFilled = [];
    this.missing = [];
    this.editable = false;
    this.saving = false;
    this.partners = [];
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#partnerTimer);
    this.#partnerController?.abort();
  }

  /** Takes the keyboard to the field to correct. */
  async focusField(field: ReceiptField): Promise<void> {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(`[name="${field}"]`)?.focus();
  }

  #input(field: ReceiptField, value: string): void {
    this.dispatchEvent(
      new CustomEvent<FieldInput>("field-input", {
        detail: { field, value },
        bubbles: true,
        composed: true,
      }),
    );
    if (field === "merchant") this.#merchantChanged(value);
  }

  /** Suggests suppliers while the merchant is typed; an exact name fills an empty tax id. */
  #merchantChanged(value: string): void {
    const known = partnerNamed(this.partners, value);
    if (known && this.values.tax_id.trim() === "" && known.tax_id) {
      this.#input("tax_id", known.tax_id);
    }
    const company = this.company;
    if (DataEntryReceiptForm.partnersMissing || !company || value.trim().length < 2) return;
    clearTimeout(this.#partnerTimer);
    this.#partnerTimer = setTimeout(async () => {
      this.#partnerController?.abort();
      const controller = new AbortController();
      this.#partnerController = controller;
      try {
        const page = await api.get<{ items: Array<{ name: string; tax_id: string }> }>(PARTNERS, {
          query: { company, q: value.trim(), page_size: 20 },
          signal: controller.signal,
        });
        this.partners = toPartnerOptions(page);
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) {
          DataEntryReceiptForm.partnersMissing = true;
        }
      }
    }, 250);
  }

  #save(event: Event): void {
    event.preventDefault();
    this.dispatchEvent(new CustomEvent("receipt-save", { bubbles: true, composed: true }));
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
    const missing = this.missing.includes(field) && this.values[field].trim() === "";
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

  override render() {
    const disabled = !this.editable || this.saving;
    const values = this.values;
    const onInput = (field: ReceiptField) => (event: Event) =>
      this.#input(field, (event.target as HTMLInputElement | HTMLTextAreaElement).value);
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
          @input=${onInput(field)}
        />`;
    const amount = (field: ReceiptField) => (invalid: boolean, describedBy: string) =>
      html`<input
        name=${field}
        inputmode="decimal"
        .value=${live(values[field])}
        aria-invalid=${invalid ? "true" : "false"}
        aria-describedby=${describedBy}
        ?disabled=${disabled}
        @input=${onInput(field)}
      />`;
    return html`<form class="card" novalidate @submit=${this.#save} aria-label=${t("data-entry.form.label")}>
      ${
        this.missing.length > 0
          ? html`<p class="missing-banner" role="note" data-testid="missing-fields">
              ${t("data-entry.form.missing", { fields: fieldLabels(this.missing) })}
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
            @input=${onInput("date")}
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
            @input=${onInput("notes")}
          ></textarea>`,
          true,
        )}
      </div>
      <datalist id="partners">
        ${this.partners.map((partner) => html`<option value=${partner.name}>${partner.tax_id}</option>`)}
      </datalist>
      ${
        this.editable
          ? html`<div class="actions">
              <button type="submit" class="primary" ?disabled=${this.saving}>
                ${this.saving ? t("data-entry.form.saving") : this.status ? t("data-entry.form.save") : t("data-entry.form.create")}
              </button>
              ${
                Object.keys(this.errors).length > 0
                  ? html`<span class="field-error" role="alert">${t("data-entry.form.fix")}</span>`
                  : nothing
              }
            </div>`
          : this.status
            ? html`<p class="muted">${t("data-entry.form.frozen", { status: statusLabel(this.status) })}</p>`
            : nothing
      }
    </form>`;
  }
}

if (!customElements.get("data-entry-receipt-form")) {
  customElements.define("data-entry-receipt-form", DataEntryReceiptForm);
}
