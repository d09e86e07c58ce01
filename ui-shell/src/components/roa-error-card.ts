/**
 * <roa-error-card>: a contained error with an optional retry button. Says what went
 * wrong in the user's language (`describeError`), with the server's own message and
 * the request id of a failed API call underneath so a user can quote them to support.
 */
import { css, html, LitElement, nothing } from "lit";
import { describeError, errorDetailLine } from "../core/describe-error.js";
import { t } from "../core/i18n.js";
import { sharedStyles } from "../core/styles.js";

export class RoaErrorCard extends LitElement {
  static override properties = {
    heading: {},
    error: { attribute: false },
    plugin: {},
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
      .muted {
        overflow-wrap: anywhere;
      }
    `,
  ];

  declare heading: string;
  declare error: unknown;
  /** The plugin showing the card: its texts for its own error codes are used. */
  declare plugin: string;
  declare retryable: boolean;

  constructor() {
    super();
    this.heading = "";
    this.plugin = "";
    this.retryable = false;
  }

  override render() {
    const description =
      this.error === undefined || this.error === null || this.error === ""
        ? undefined
        : describeError(this.error, undefined, this.plugin ? { plugin: this.plugin } : {});
    // Without a heading the headline is the heading; with one, it is the first line
    // (unless it is only the generic "something did not work" of a non-API error).
    const heading = this.heading || description?.headline || "";
    const headline =
      this.heading && description?.code !== "UNKNOWN" ? description?.headline : undefined;
    const detail = description ? errorDetailLine(description) : "";
    return html`<div class="card" role="alert">
      <h2>${heading}</h2>
      ${headline ? html`<p>${headline}</p>` : nothing}
      ${detail ? html`<p class="muted">${detail}</p>` : nothing}
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
