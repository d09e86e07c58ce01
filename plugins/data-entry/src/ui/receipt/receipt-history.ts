/**
 * <data-entry-receipt-history>: what happened to a receipt, oldest first — created,
 * each status move with who, when and the reason, and notes such as "filled by OCR".
 */
import {
  css,
  FollowLocale,
  formatDateTime,
  formatNumber,
  html,
  LitElement,
  nothing,
  sharedStyles,
  t,
} from "@roa2web/ui-shell/api";
import { statusLabel } from "../status-badge.js";
import type { ReceiptDetail, Transition } from "../types.js";
import { partStyles } from "./styles.js";
import { fieldLabels } from "./texts.js";

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

export class DataEntryReceiptHistory extends LitElement {
  static override properties = { receipt: { attribute: false } };
  static override styles = [
    sharedStyles,
    partStyles,
    css`
      ol.history {
        margin: 0;
        padding-left: 1.2rem;
        display: grid;
        gap: var(--roa-space-2);
      }
    `,
  ];

  declare receipt: ReceiptDetail | undefined;

  constructor() {
    super();
    new FollowLocale(this);
  }

  override render() {
    const receipt = this.receipt;
    if (!receipt) return nothing;
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
}

if (!customElements.get("data-entry-receipt-history")) {
  customElements.define("data-entry-receipt-history", DataEntryReceiptHistory);
}
