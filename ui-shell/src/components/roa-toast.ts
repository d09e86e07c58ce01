/**
 * `toast(message)`: short notices in a polite live region, closed after a while.
 * `toastError(error)`: a failed call in the user's language, with the server's
 * message and the request id on a second, smaller line for support.
 */
import { css, html, LitElement, nothing } from "lit";
import { repeat } from "lit/directives/repeat.js";
import { type DescribeOptions, describeError, errorDetailLine } from "../core/describe-error.js";
import { t } from "../core/i18n.js";
import { sharedStyles } from "../core/styles.js";

export type ToastKind = "info" | "success" | "error";

interface Toast {
  id: number;
  message: string;
  detail: string;
  kind: ToastKind;
}

let nextId = 1;

export class RoaToaster extends LitElement {
  static override properties = { toasts: { state: true } };
  static override styles = [
    sharedStyles,
    css`
      :host {
        position: fixed;
        right: var(--roa-space-3);
        bottom: var(--roa-space-3);
        z-index: 100;
        display: grid;
        gap: var(--roa-space-2);
        max-width: min(28rem, calc(100vw - 2 * var(--roa-space-3)));
      }
      .toast {
        display: flex;
        gap: var(--roa-space-2);
        align-items: start;
        padding: var(--roa-space-3);
        border-radius: var(--roa-radius);
        background: var(--roa-text);
        color: var(--roa-surface);
        box-shadow: 0 4px 16px rgb(0 0 0 / 0.2);
      }
      .toast.error {
        background: var(--roa-danger);
      }
      .toast.success {
        background: var(--roa-success);
      }
      .toast .text {
        flex: 1;
        overflow-wrap: anywhere;
      }
      .toast .detail {
        display: block;
        margin-top: var(--roa-space-1);
        font-size: 0.85em;
        opacity: 0.85;
      }
      button {
        min-height: auto;
        padding: 0 var(--roa-space-1);
        background: transparent;
        color: inherit;
        border: none;
      }
    `,
  ];

  declare toasts: Toast[];

  constructor() {
    super();
    this.toasts = [];
  }

  show(message: string, kind: ToastKind, timeoutMs: number, detail = ""): void {
    const toast = { id: nextId++, message, detail, kind };
    this.toasts = [...this.toasts, toast];
    if (timeoutMs > 0) setTimeout(() => this.dismiss(toast.id), timeoutMs);
  }

  dismiss(id: number): void {
    this.toasts = this.toasts.filter((toast) => toast.id !== id);
  }

  override render() {
    return html`<div role="status" aria-live="polite">
      ${repeat(
        this.toasts,
        (toast) => toast.id,
        (toast) =>
          html`<div class="toast ${toast.kind}" role=${toast.kind === "error" ? "alert" : "status"}>
            <span class="text">${toast.message}${
              toast.detail ? html`<small class="detail">${toast.detail}</small>` : nothing
            }</span>
            <button type="button" aria-label=${t("toast.close")} @click=${() => this.dismiss(toast.id)}>
              ✕
            </button>
          </div>`,
      )}
    </div>`;
  }
}
customElements.define("roa-toaster", RoaToaster);

function toaster(): RoaToaster {
  let element = document.querySelector("roa-toaster");
  if (!element) {
    element = document.createElement("roa-toaster");
    document.body.append(element);
  }
  return element as RoaToaster;
}

/** Shows a notice; errors stay until closed when `timeoutMs` is 0. */
export function toast(
  message: string,
  options: { kind?: ToastKind; timeoutMs?: number } = {},
): void {
  const kind = options.kind ?? "info";
  toaster().show(message, kind, options.timeoutMs ?? (kind === "error" ? 10_000 : 4_000));
}

/**
 * Shows a failed call as an error toast: the localized headline from `describeError`
 * and, smaller, the server's own message and the request id. Pass `plugin` so the
 * plugin's own texts for its codes and field labels are used, and `format` to put
 * the headline in a sentence of your own ("„bon.txt” nu s-a încărcat: {headline}").
 */
export function toastError(
  error: unknown,
  options: DescribeOptions & {
    timeoutMs?: number;
    format?: (headline: string) => string;
  } = {},
): void {
  const description = describeError(error, undefined, options);
  const message = options.format ? options.format(description.headline) : description.headline;
  toaster().show(message, "error", options.timeoutMs ?? 10_000, errorDetailLine(description));
}
