/**
 * <roa-error-card>: a contained error with an optional retry button. Shows the
 * request id of a failed API call so a user can quote it to support.
 */
import { css, html, LitElement, nothing } from "lit";
import { ApiError } from "../core/api-error.js";
import { t } from "../core/i18n.js";
import { sharedStyles } from "../core/styles.js";

export class RoaErrorCard extends LitElement {
  static override properties = {
    heading: {},
    error: { attribute: false },
    retryable: { type: Boolean },
  };
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
      }
      .card {
        border-color: var(--roa-danger);
        border-left-width: 4px;
      }
      p {
        margin: var(--roa-space-1) 0;
      }
    `,
  ];

  declare heading: string;
  declare error: unknown;
  declare retryable: boolean;

  constructor() {
    super();
    this.heading = "";
    this.retryable = false;
  }

  override render() {
    const error = this.error;
    const message = error instanceof Error ? error.message : error ? String(error) : "";
    const requestId = error instanceof ApiError ? error.requestId : undefined;
    return html`<div class="card" role="alert">
      <h2>${this.heading}</h2>
      ${message ? html`<p>${message}</p>` : nothing}
      ${requestId ? html`<p class="muted">${t("error.requestId", { id: requestId })}</p>` : nothing}
      ${
        this.retryable
          ? html`<button type="button" class="primary" @click=${this.#retry}>
              ${t("plugin.retry")}
            </button>`
          : nothing
      }
    </div>`;
  }

  #retry() {
    this.dispatchEvent(new CustomEvent("retry", { bubbles: true, composed: true }));
  }
}
customElements.define("roa-error-card", RoaErrorCard);
