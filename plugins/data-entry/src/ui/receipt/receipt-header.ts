/**
 * <data-entry-receipt-header>: which receipt this is — the way back to the list, the
 * title and status, whose company it belongs to (with a switch when the header shows
 * another one), a closed period, and why it was rejected.
 */
import {
  css,
  FollowLocale,
  formatDate,
  html,
  LitElement,
  nothing,
  sharedStyles,
  shellState,
  t,
} from "@roa2web/ui-shell/api";
import { statusBadge } from "../status-badge.js";
import type { ReceiptDetail } from "../types.js";
import { partStyles } from "./styles.js";

export class DataEntryReceiptHeader extends LitElement {
  static override properties = {
    receipt: { attribute: false },
    company: { type: Number },
  };
  static override styles = [
    sharedStyles,
    partStyles,
    css`
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
      a.back {
        font-size: 0.9rem;
      }
      p.company {
        margin: 0;
        color: var(--roa-muted, inherit);
      }
      .rejected {
        border-left: 4px solid var(--roa-danger);
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

  /** Undefined for a new receipt. */
  declare receipt: ReceiptDetail | undefined;
  /** The company chosen in the shell's header. */
  declare company: number | undefined;

  constructor() {
    super();
    new FollowLocale(this);
  }

  override render() {
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
      }`;
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
}

if (!customElements.get("data-entry-receipt-header")) {
  customElements.define("data-entry-receipt-header", DataEntryReceiptHeader);
}
