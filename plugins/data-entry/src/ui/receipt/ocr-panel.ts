/**
 * <data-entry-ocr-panel>: what OCR is doing for the receipt — progress with a cancel,
 * a failure with a retry, or, when done, what was filled and the values read that
 * differ from the form, to accept one by one or all at once. It only shows and asks:
 * `ocr-cancel`, `ocr-retry`, `ocr-dismiss` and `ocr-accept` (the fields) go up to the page.
 */
import {
  css,
  errorDetailLine,
  FollowLocale,
  html,
  LitElement,
  nothing,
  sharedStyles,
  t,
} from "@roa2web/ui-shell/api";
import { decimalSeparator } from "../entries-grid.js";
import type { ReceiptFormValues } from "../form-rules.js";
import { proposedFields } from "../ocr-progress.js";
import type { Attachment } from "../types.js";
import type { OcrView } from "./ocr-reading.js";
import { partStyles } from "./styles.js";
import { fieldLabel, fieldLabels } from "./texts.js";

/** A value OCR read for a field, offered to the form. */
export type OcrProposal = ReturnType<typeof proposedFields>[number];

export class DataEntryOcrPanel extends LitElement {
  static override properties = {
    view: { attribute: false },
    values: { attribute: false },
    editable: { type: Boolean },
    retry: { attribute: false },
  };
  static override styles = [
    sharedStyles,
    partStyles,
    css`
      progress {
        width: 100%;
        height: 0.9rem;
      }
      .ocr table {
        margin: var(--roa-space-2) 0;
      }
    `,
  ];

  declare view: OcrView;
  /** The form as it stands: only what differs from it is offered. */
  declare values: ReceiptFormValues | undefined;
  declare editable: boolean;
  /** The attachment a retry reads again; none, no retry button. */
  declare retry: Attachment | undefined;

  constructor() {
    super();
    new FollowLocale(this);
    this.view = { phase: "idle" };
    this.editable = false;
  }

  override render() {
    const view = this.view;
    if (view.phase === "idle") return nothing;
    if (view.phase === "running") return this.#running(view);
    if (view.phase === "failed") return this.#failed(view);
    return this.#done(view);
  }

  #running(view: Extract<OcrView, { phase: "running" }>) {
    const percent = Math.round(view.progress.progress * 100);
    return html`<section class="card ocr" aria-labelledby="ocr-title">
      <h2 id="ocr-title">${t("data-entry.ocr.title")}</h2>
      <p role="status">
        ${
          view.progress.state === "queued"
            ? t("data-entry.ocr.queued")
            : view.attachment
              ? t("data-entry.ocr.running", { name: view.attachment.display_name })
              : t("data-entry.ocr.runningReceipt")
        }
        ${view.progress.stage ? html`<span class="muted">(${view.progress.stage})</span>` : nothing}
      </p>
      <progress
        max="100"
        value=${percent}
        aria-label=${t("data-entry.ocr.progress")}
        aria-valuetext=${`${percent}%`}
      ></progress>
      <p class="muted">${percent}%</p>
      <button type="button" @click=${() => this.#ask("ocr-cancel")}>${t("data-entry.ocr.cancel")}</button>
    </section>`;
  }

  #failed(view: Extract<OcrView, { phase: "failed" }>) {
    const detail = errorDetailLine(view.error);
    return html`<section class="card ocr" role="alert">
      <h2>${t("data-entry.ocr.title")}</h2>
      <p class="error-text">${t("data-entry.ocr.failed", { message: view.error.headline })}</p>
      ${detail ? html`<p class="muted error-detail">${detail}</p>` : nothing}
      <div class="actions">
        ${
          this.retry
            ? html`<button type="button" @click=${() => this.#ask("ocr-retry", this.retry)}>
                ${t("data-entry.ocr.retry")}
              </button>`
            : nothing
        }
        <button type="button" @click=${() => this.#ask("ocr-dismiss")}>${t("data-entry.ocr.dismiss")}</button>
      </div>
    </section>`;
  }

  #done(view: Extract<OcrView, { phase: "done" }>) {
    const values = this.values;
    // What OCR read that is not what the form holds (fields already filled, which it
    // left alone): offered one by one.
    const proposals = view.fields
      ? proposedFields(view.fields, decimalSeparator()).filter(
          (proposal) => values?.[proposal.field] !== proposal.value,
        )
      : [];
    const editable = this.editable;
    return html`<section class="card ocr" aria-labelledby="ocr-title">
      <h2 id="ocr-title">${t("data-entry.ocr.proposed")}</h2>
      <p role="status">
        ${
          view.applyError
            ? t("data-entry.ocr.notWritten", { message: view.applyError })
            : view.filled.length > 0
              ? t("data-entry.ocr.filled", { fields: fieldLabels(view.filled) })
              : t("data-entry.ocr.filledNone")
        }
      </p>
      ${
        proposals.length === 0
          ? !view.fields || proposedFields(view.fields).length === 0
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
                      <th scope="row">${fieldLabel(proposal.field)}</th>
                      <td>${proposal.value}</td>
                      <td class="muted">${values?.[proposal.field] || "—"}</td>
                      <td>
                        <button
                          type="button"
                          ?disabled=${!editable}
                          aria-label=${t("data-entry.ocr.acceptField", { field: fieldLabel(proposal.field) })}
                          @click=${() => this.#ask("ocr-accept", [proposal])}
                        >
                          ${t("data-entry.ocr.accept")}
                        </button>
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
            ? html`<button type="button" class="primary" ?disabled=${!editable} @click=${() => this.#ask("ocr-accept", proposals)}>
                ${t("data-entry.ocr.acceptAll")}
              </button>`
            : nothing
        }
        <button type="button" @click=${() => this.#ask("ocr-dismiss")}>${t("data-entry.ocr.dismiss")}</button>
      </div>
      ${proposals.length > 0 ? html`<p class="muted">${t("data-entry.ocr.thenSave")}</p>` : nothing}
    </section>`;
  }

  #ask(name: string, detail?: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }
}

if (!customElements.get("data-entry-ocr-panel")) {
  customElements.define("data-entry-ocr-panel", DataEntryOcrPanel);
}
