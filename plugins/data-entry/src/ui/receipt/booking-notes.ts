/**
 * <data-entry-booking-notes>: what the entries of a receipt were proposed with, above
 * the grid — the BNR rate and both amounts of a receipt not in lei, that VAT paid
 * abroad is not deducted, the ERP supplier and its account, and what needs attention
 * (unknown supplier, no rate for the date, a tax id that fails its check).
 */
import {
  css,
  FollowLocale,
  formatDate,
  formatMoney,
  formatNumber,
  html,
  LitElement,
  nothing,
  sharedStyles,
  t,
} from "@roa2web/ui-shell/api";
import type { ReceiptDetail } from "../types.js";
import { partStyles } from "./styles.js";

export class DataEntryBookingNotes extends LitElement {
  static override properties = { receipt: { attribute: false } };
  static override styles = [
    sharedStyles,
    partStyles,
    css`
      :host {
        display: block;
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
}

if (!customElements.get("data-entry-booking-notes")) {
  customElements.define("data-entry-booking-notes", DataEntryBookingNotes);
}
