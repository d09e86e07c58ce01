/** <roa-login>: the sign-in form. Fires `signed-in` once the session holds a token. */
import { css, html, LitElement, nothing } from "lit";
import { describeError } from "../core/describe-error.js";
import { t } from "../core/i18n.js";
import { session } from "../core/session.js";
import { sharedStyles } from "../core/styles.js";

export class RoaLogin extends LitElement {
  static override properties = {
    message: {},
    error: { state: true },
    busy: { state: true },
  };
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: grid;
        place-items: center;
        min-height: 100vh;
        padding: var(--roa-space-3);
      }
      form {
        width: min(24rem, 100%);
        display: grid;
        gap: var(--roa-space-3);
      }
      .brand {
        font-size: 1.6rem;
        font-weight: 700;
        color: var(--roa-primary);
      }
      .notice {
        padding: var(--roa-space-2) var(--roa-space-3);
        border-radius: var(--roa-radius);
        background: var(--roa-surface-hover);
      }
      input {
        width: 100%;
      }
      button {
        justify-content: center;
      }
    `,
  ];

  declare message: string;
  declare error: string;
  declare busy: boolean;

  constructor() {
    super();
    this.message = "";
    this.error = "";
    this.busy = false;
  }

  override render() {
    return html`<form class="card" @submit=${this.#submit} novalidate>
      <div class="brand">roa2web</div>
      <h1>${t("login.title")}</h1>
      ${this.message ? html`<p class="notice" role="status">${this.message}</p>` : nothing}
      <label>
        ${t("login.username")}
        <input name="username" autocomplete="username" required autofocus />
      </label>
      <label>
        ${t("login.password")}
        <input name="password" type="password" autocomplete="current-password" required />
      </label>
      ${this.error ? html`<p class="error-text" role="alert">${this.error}</p>` : nothing}
      <button class="primary" type="submit" ?disabled=${this.busy}>
        ${this.busy ? t("login.busy") : t("login.submit")}
      </button>
    </form>`;
  }

  async #submit(event: SubmitEvent) {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const username = String(form.get("username") ?? "").trim();
    const password = String(form.get("password") ?? "");
    if (!username || !password) {
      this.error = `${t("login.username")} / ${t("login.password")}?`;
      return;
    }
    this.busy = true;
    this.error = "";
    try {
      await session.login(username, password);
      this.dispatchEvent(new CustomEvent("signed-in", { bubbles: true, composed: true }));
    } catch (error) {
      this.error = describeError(error).headline;
    } finally {
      this.busy = false;
    }
  }
}
customElements.define("roa-login", RoaLogin);
