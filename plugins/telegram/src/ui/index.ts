/**
 * <telegram-app>: link this roa2web account to Telegram. Shows whether it is linked,
 * creates a one-time code (with its expiry counting down and the command to send the
 * bot), and unlinks.
 */
import {
  api,
  css,
  formatDateTime,
  html,
  nothing,
  PluginElement,
  registerMessages,
  sharedStyles,
  shellState,
  t,
  toast,
  toastError,
} from "@roa2web/ui-shell/api";

registerMessages({
  ro: {
    "telegram.title": "Telegram",
    "telegram.intro":
      "Legați contul de Telegram ca să primiți rapoartele și să trimiteți bonuri direct din chat.",
    "telegram.linked": "Cont legat de Telegram",
    "telegram.notLinked": "Contul nu este legat de Telegram.",
    "telegram.linkedAt": "legat la {when}",
    "telegram.createCode": "Generează cod de legare",
    "telegram.newCode": "Cod nou",
    "telegram.code": "Codul dumneavoastră",
    "telegram.instructions": "Trimiteți botului mesajul:",
    "telegram.expires": "Expiră în {minutes}:{seconds}",
    "telegram.expired": "Codul a expirat. Generați altul.",
    "telegram.unlink": "Deconectează Telegram",
    "telegram.unlinked": "Legătura cu Telegram a fost ștearsă.",
    "telegram.confirmUnlink": "Ștergeți legătura cu Telegram?",
    "telegram.noPermission": "Contul nu are dreptul de a lega Telegram (telegram:link).",
    "telegram.refresh": "Verifică din nou",
    "telegram.notConfigured":
      "Botul de Telegram nu este configurat pe acest server: legarea nu este încă posibilă.",
    "telegram.notConfiguredUser": "Cereți administratorului să-l configureze.",
    "telegram.notConfiguredAdmin":
      "Administrator: creați un bot la @BotFather, puneți tokenul în TELEGRAM_BOT_TOKEN (fișierul .env sau mediul serverului), apoi reporniți roa2web sau reîncărcați pluginul telegram din pagina Administrare.",
  },
  en: {
    "telegram.title": "Telegram",
    "telegram.intro":
      "Link your account to Telegram to get reports and send receipts from the chat.",
    "telegram.linked": "Linked to Telegram",
    "telegram.notLinked": "This account is not linked to Telegram.",
    "telegram.linkedAt": "linked {when}",
    "telegram.createCode": "Create a link code",
    "telegram.newCode": "New code",
    "telegram.code": "Your code",
    "telegram.instructions": "Send the bot this message:",
    "telegram.expires": "Expires in {minutes}:{seconds}",
    "telegram.expired": "The code has expired. Create another one.",
    "telegram.unlink": "Unlink Telegram",
    "telegram.unlinked": "The Telegram link was removed.",
    "telegram.confirmUnlink": "Remove the Telegram link?",
    "telegram.noPermission": "This account may not link Telegram (telegram:link).",
    "telegram.refresh": "Check again",
    "telegram.notConfigured":
      "The Telegram bot is not configured on this server: linking is not possible yet.",
    "telegram.notConfiguredUser": "Ask your administrator to set it up.",
    "telegram.notConfiguredAdmin":
      "Administrator: create a bot with @BotFather, put its token in TELEGRAM_BOT_TOKEN (the .env file or the server's environment), then restart roa2web or reload the telegram plugin from the Administration page.",
  },
});

interface LinkStatus {
  /** false while TELEGRAM_BOT_TOKEN is unset: there is no bot to link to. */
  bot_configured: boolean;
  linked: boolean;
  bot_username?: string | null;
  links: Array<{ telegram_user_id: number; current_company_id: number | null; linked_at: string }>;
}

interface LinkCode {
  code: string;
  expires_at: string;
}

export class TelegramApp extends PluginElement {
  static override properties = {
    ...PluginElement.properties,
    status: { state: true },
    code: { state: true },
    now: { state: true },
    error: { state: true },
  };
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: grid;
        gap: var(--roa-space-4);
        max-width: 42rem;
      }
      .code {
        font-family: ui-monospace, monospace;
        font-size: 2rem;
        letter-spacing: 0.2em;
        padding: var(--roa-space-2) var(--roa-space-3);
        background: var(--roa-surface-hover);
        border-radius: var(--roa-radius);
        display: inline-block;
        user-select: all;
      }
      .linked {
        color: var(--roa-success);
        font-weight: 600;
      }
      .actions {
        display: flex;
        gap: var(--roa-space-2);
        flex-wrap: wrap;
        margin-top: var(--roa-space-3);
      }
    `,
  ];

  declare status: LinkStatus | undefined;
  declare code: LinkCode | undefined;
  declare now: number;
  declare error: unknown;
  #timer: ReturnType<typeof setInterval> | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    this.now = Date.now();
    void this.#load();
    this.#timer = setInterval(() => {
      this.now = Date.now();
    }, 1000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#timer);
  }

  async #load(): Promise<void> {
    try {
      this.status = await api.get<LinkStatus>("/api/telegram/auth/status");
      if (this.status.linked) this.code = undefined;
      this.error = undefined;
    } catch (error) {
      this.error = error;
    }
  }

  override render() {
    return html`<h1>${t("telegram.title")}</h1>
      <p class="muted">${t("telegram.intro")}</p>
      ${this.error ? html`<roa-error-card retryable plugin="telegram" .error=${this.error} @retry=${this.#load}></roa-error-card>` : nothing}
      ${this.status ? this.#statusCard(this.status) : html`<p class="muted">…</p>`}`;
  }

  #statusCard(status: LinkStatus) {
    if (status.linked) {
      return html`<section class="card" aria-live="polite">
        <p class="linked">✓ ${t("telegram.linked")}</p>
        <ul>
          ${status.links.map(
            (link) =>
              html`<li>${t("telegram.linkedAt", { when: formatDateTime(link.linked_at) })}</li>`,
          )}
        </ul>
        <div class="actions">
          <button type="button" class="danger" @click=${this.#unlink}>${t("telegram.unlink")}</button>
        </div>
      </section>`;
    }
    if (!status.bot_configured) {
      return html`<section class="card" data-testid="bot-not-configured">
        <p>${t("telegram.notConfigured")}</p>
        <p class="muted">
          ${shellState.can("kernel:admin") ? t("telegram.notConfiguredAdmin") : t("telegram.notConfiguredUser")}
        </p>
      </section>`;
    }
    const canLink = shellState.can("telegram:link");
    return html`<section class="card" aria-live="polite">
      <p>${t("telegram.notLinked")}</p>
      ${canLink ? this.#codeBlock(status) : html`<p class="error-text">${t("telegram.noPermission")}</p>`}
    </section>`;
  }

  #codeBlock(status: LinkStatus) {
    const code = this.code;
    if (!code) {
      return html`<div class="actions">
        <button type="button" class="primary" @click=${this.#createCode}>${t("telegram.createCode")}</button>
      </div>`;
    }
    const left = Math.max(0, Math.round((Date.parse(code.expires_at) - this.now) / 1000));
    const command = `/link ${code.code}`;
    return html`<p>${t("telegram.code")}:</p>
      <p class="code" data-testid="link-code">${code.code}</p>
      <p>${t("telegram.instructions")} <code>${command}</code></p>
      ${
        status.bot_username
          ? html`<p><a href="https://t.me/${status.bot_username}?start=${code.code}" target="_blank" rel="external noopener">t.me/${status.bot_username}</a></p>`
          : nothing
      }
      <p class=${left === 0 ? "error-text" : "muted"}>
        ${
          left === 0
            ? t("telegram.expired")
            : t("telegram.expires", {
                minutes: Math.floor(left / 60),
                seconds: String(left % 60).padStart(2, "0"),
              })
        }
      </p>
      <div class="actions">
        <button type="button" @click=${this.#createCode}>${t("telegram.newCode")}</button>
        <button type="button" @click=${this.#load}>${t("telegram.refresh")}</button>
      </div>`;
  }

  async #createCode(): Promise<void> {
    try {
      this.code = await api.post<LinkCode>("/api/telegram/auth/codes");
    } catch (error) {
      toastError(error, { plugin: "telegram" });
    }
  }

  async #unlink(): Promise<void> {
    if (!confirm(t("telegram.confirmUnlink"))) return;
    try {
      await api.delete("/api/telegram/auth/link");
      toast(t("telegram.unlinked"), { kind: "success" });
      await this.#load();
    } catch (error) {
      toastError(error, { plugin: "telegram" });
    }
  }
}

if (!customElements.get("telegram-app")) customElements.define("telegram-app", TelegramApp);
