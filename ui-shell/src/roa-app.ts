/**
 * <roa-app>: the shell. Restores the session (or shows the sign-in form, keeping the
 * address so a deep link opens after signing in), then lays out the header (company,
 * period, language, sign-out), the navigation built from the enabled plugins, and
 * the routed page: `/` home, `/admin`, `/<plugin>/…` a plugin inside its boundary.
 */
import { Router } from "@lit-labs/router";
import { css, html, LitElement, nothing } from "lit";
import { LOCALES, type Locale, locale, onLocaleChange, setLocale, t } from "./core/i18n.js";
import { documentTitle, PAGE_TITLE_EVENT } from "./core/page-title.js";
import { followPluginUpdates, type PluginsEvent, type UiReload } from "./core/plugin-updates.js";
import { type SessionEndReason, session } from "./core/session.js";
import { type PluginInfo, pluginDescription, pluginTitle, shellState } from "./core/shell-state.js";
import { sharedStyles } from "./core/styles.js";
import "./components/roa-toast.js";
import "./components/roa-selectors.js";
import "./components/roa-plugin-host.js";
import "./components/roa-error-card.js";
import "./pages/roa-login.js";

/** How often the shell re-reads the plugin list while the tab is visible. */
const PLUGIN_POLL_MS = 30_000;

type Phase = "starting" | "signed-out" | "ready" | "failed";

export class RoaApp extends LitElement {
  static override properties = {
    phase: { state: true },
    notice: { state: true },
    menuOpen: { state: true },
    startError: { state: true },
  };
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
        min-height: 100vh;
      }
      .skip {
        position: absolute;
        left: -999px;
      }
      .skip:focus {
        left: var(--roa-space-2);
        top: var(--roa-space-2);
        z-index: 10;
        background: var(--roa-surface);
        padding: var(--roa-space-2);
      }
      header {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: var(--roa-space-2) var(--roa-space-4);
        padding: var(--roa-space-2) var(--roa-space-4);
        background: var(--roa-header-bg);
        color: var(--roa-header-text);
      }
      header .brand {
        font-weight: 700;
        font-size: 1.15rem;
        color: inherit;
        text-decoration: none;
      }
      header .selectors {
        display: flex;
        flex-wrap: wrap;
        gap: var(--roa-space-2) var(--roa-space-4);
        flex: 1;
      }
      header .user {
        display: flex;
        align-items: center;
        gap: var(--roa-space-2);
      }
      header button,
      header select {
        border-color: transparent;
      }
      .menu-toggle {
        display: none;
      }
      .layout {
        display: grid;
        grid-template-columns: 14rem minmax(0, 1fr);
        min-height: calc(100vh - 3.5rem);
      }
      nav {
        background: var(--roa-surface);
        border-right: 1px solid var(--roa-border);
        padding: var(--roa-space-3) 0;
      }
      nav ul {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      nav a {
        display: block;
        padding: var(--roa-space-2) var(--roa-space-4);
        color: var(--roa-text);
        text-decoration: none;
        border-left: 3px solid transparent;
      }
      nav a:hover {
        background: var(--roa-surface-hover);
      }
      nav a[aria-current="page"] {
        border-left-color: var(--roa-primary);
        background: var(--roa-surface-hover);
        font-weight: 600;
      }
      main {
        padding: var(--roa-space-4);
        min-width: 0;
      }
      .update-notice {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: var(--roa-space-2) var(--roa-space-3);
        margin-bottom: var(--roa-space-3);
        padding: var(--roa-space-2) var(--roa-space-3);
        border: 1px solid var(--roa-border);
        border-left: 4px solid var(--roa-primary);
        border-radius: var(--roa-radius, 4px);
        background: var(--roa-surface);
      }
      .starting {
        padding: var(--roa-space-4);
        color: var(--roa-text-muted);
      }
      .plugins {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr));
        gap: var(--roa-space-3);
      }
      .plugins a {
        text-decoration: none;
        color: inherit;
      }
      @media (max-width: 760px) {
        .menu-toggle {
          display: inline-flex;
        }
        .layout {
          grid-template-columns: minmax(0, 1fr);
        }
        nav {
          display: none;
          border-right: none;
          border-bottom: 1px solid var(--roa-border);
        }
        nav.open {
          display: block;
        }
        header {
          padding: var(--roa-space-2);
        }
        /* Phone: menu, name, language and sign-out on one row; the company and
           period selects share the row under it, each half the width. */
        header .user {
          margin-left: auto;
        }
        header .selectors {
          order: 3;
          flex: 1 1 100%;
          flex-wrap: nowrap;
          gap: var(--roa-space-2);
          min-width: 0;
        }
        header .selectors > * {
          flex: 1 1 0;
          min-width: 0;
        }
        header .user-name {
          display: none;
        }
        main {
          padding: var(--roa-space-2);
        }
      }
    `,
  ];

  declare phase: Phase;
  declare notice: string;
  declare menuOpen: boolean;
  declare startError: unknown;
  /** A plugin whose new UI could not replace the old one in this page (the notice). */
  #staleUi: string | undefined;

  /** How a new version of the open plugin is taken (the server says; see plugin-updates.ts). */
  #uiReload: UiReload = "notice";
  /** The plugin version the open page shows: kept while the notice offers the new one. */
  #shown: PluginInfo | undefined;
  #updates: AbortController | undefined;

  #pluginRefresh: Promise<unknown> | undefined;
  #pollTimer: ReturnType<typeof setInterval> | undefined;
  /** The title a plugin page announced, for the address it was announced at. */
  #announced: { path: string; title: string } | undefined;

  /** Every navigation re-reads the plugin list, so a plugin turned off elsewhere leaves. */
  readonly #entering = () => {
    this.#refreshPlugins();
    return true;
  };

  readonly router = new Router(this, [
    { path: "/", render: () => this.#home(), enter: this.#entering },
    { path: "/login", render: () => this.#home() },
    {
      path: "/admin",
      render: () => {
        this.#shown = undefined; // a plugin opened from here loads its current version
        return html`<roa-admin></roa-admin>`;
      },
      enter: async () => {
        this.#refreshPlugins();
        await import("./pages/roa-admin.js");
        return true;
      },
    },
    {
      path: "/:plugin{/*}?",
      render: (params) => this.#plugin(params.plugin ?? "", params[0] ?? ""),
      enter: this.#entering,
    },
  ]);

  constructor() {
    super();
    this.phase = "starting";
    this.notice = "";
    this.menuOpen = false;
    shellState.addEventListener("change", () => this.requestUpdate());
    onLocaleChange(() => this.requestUpdate());
    session.addEventListener("session-end", (event) => {
      const reason = (event as CustomEvent<SessionEndReason>).detail;
      this.#stopFollowing();
      shellState.clear();
      this.notice = reason === "expired" ? t("login.expired") : t("login.loggedOut");
      this.phase = "signed-out";
    });
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") this.#refreshPlugins();
    });
    this.addEventListener(PAGE_TITLE_EVENT, (event) => {
      const title = (event as CustomEvent<unknown>).detail;
      if (typeof title !== "string" || !title.trim()) return;
      this.#announced = { path: location.pathname, title: title.trim() };
      document.title = this.#title();
    });
  }

  override connectedCallback(): void {
    super.connectedCallback();
    document.documentElement.lang = locale();
    void this.#start();
    this.#pollTimer = setInterval(() => {
      if (document.visibilityState === "visible") this.#refreshPlugins();
    }, PLUGIN_POLL_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#pollTimer);
    this.#stopFollowing();
  }

  /** Follows the server's plugin changes while signed in (core/plugin-updates.ts). */
  #follow(): void {
    if (this.#updates) return;
    const updates = new AbortController();
    this.#updates = updates;
    void followPluginUpdates((event: PluginsEvent) => {
      this.#uiReload = event.ui_reload === "live" ? "live" : "notice";
      if (!shellState.applyPlugins(event.items)) this.requestUpdate();
    }, updates.signal).finally(() => {
      if (this.#updates === updates) this.#updates = undefined;
    });
  }

  #stopFollowing(): void {
    this.#updates?.abort();
    this.#updates = undefined;
    this.#shown = undefined;
    this.#staleUi = undefined;
  }

  async #start(): Promise<void> {
    if (!(await session.restore())) {
      this.phase = "signed-out";
      return;
    }
    await this.#enter();
  }

  async #enter(): Promise<void> {
    try {
      await shellState.load();
      this.phase = "ready";
      this.#follow();
      this.startError = undefined;
      if (location.pathname === "/login") {
        history.replaceState({}, "", "/");
        await this.router.goto("/");
      }
    } catch (error) {
      this.startError = error;
      this.phase = "failed";
    }
  }

  /** Re-reads the plugin list (one request at a time): navigation, focus and a timer call it. */
  #refreshPlugins(): void {
    if (this.phase !== "ready" || this.#pluginRefresh) return;
    this.#pluginRefresh = shellState
      .refreshPlugins()
      .catch(() => false)
      .finally(() => {
        this.#pluginRefresh = undefined;
      });
  }

  protected override updated(): void {
    document.title = this.#title();
  }

  /** The document title for what is on screen (see core/page-title.ts). */
  #title(): string {
    if (this.phase === "signed-out") return documentTitle(t("login.title"));
    if (this.phase !== "ready") return documentTitle("");
    const path = location.pathname;
    if (path === "/" || path === "/login") return documentTitle(t("nav.home"));
    if (path === "/admin") return documentTitle(t("admin.title"));
    const name = path.split("/")[1] ?? "";
    const plugin = shellState.enabledPlugins.find(
      (candidate) => candidate.name === name && candidate.ui,
    );
    if (!plugin) {
      const known = shellState.plugins.find((candidate) => candidate.name === name);
      return documentTitle(known ? pluginTitle(known, locale()) : t("page.notFound"));
    }
    const announced = this.#announced?.path === path ? this.#announced.title : undefined;
    return documentTitle(announced ?? pluginTitle(plugin, locale()));
  }

  override render() {
    switch (this.phase) {
      case "starting":
        return html`<p class="starting" role="status">roa2web…</p>`;
      case "signed-out":
        return html`<roa-login .message=${this.notice} @signed-in=${this.#signedIn}></roa-login>`;
      case "failed":
        return html`<main>
          <roa-error-card retryable .error=${this.startError} @retry=${this.#enter}></roa-error-card>
        </main>`;
      default:
        return this.#layout();
    }
  }

  #signedIn(): void {
    this.notice = "";
    this.phase = "starting";
    void this.#enter();
  }

  #layout() {
    const path = location.pathname;
    const plugins = shellState.pagePlugins;
    const user = shellState.user;
    return html`<a class="skip" href="#content" rel="external" @click=${this.#skip}>${t("app.skip")}</a>
      <header>
        <button
          type="button"
          class="menu-toggle"
          aria-expanded=${this.menuOpen ? "true" : "false"}
          aria-controls="nav"
          @click=${() => {
            this.menuOpen = !this.menuOpen;
          }}
        >
          ☰ <span class="visually-hidden">${t("header.menu")}</span>
        </button>
        <a class="brand" href="/">roa2web</a>
        <div class="selectors">
          <roa-company-select></roa-company-select>
          <roa-period-select></roa-period-select>
        </div>
        <div class="user">
          <label>
            <span class="visually-hidden">${t("header.language")}</span>
            <select
              aria-label=${t("header.language")}
              @change=${(event: Event) => setLocale((event.target as HTMLSelectElement).value as Locale)}
            >
              ${LOCALES.map((code) => html`<option value=${code} ?selected=${code === locale()}>${code.toUpperCase()}</option>`)}
            </select>
          </label>
          <span class="user-name">${user?.display_name ?? ""}</span>
          <button type="button" @click=${() => session.logout()}>${t("header.logout")}</button>
        </div>
      </header>
      <div class="layout">
        <nav id="nav" class=${this.menuOpen ? "open" : ""} aria-label=${t("nav.label")} @click=${this.#closeMenu}>
          <ul>
            <li><a href="/" aria-current=${path === "/" ? "page" : "false"}>${t("nav.home")}</a></li>
            ${plugins.map(
              (plugin) =>
                html`<li>
                  <a
                    href="/${plugin.name}"
                    data-plugin=${plugin.name}
                    aria-current=${path === `/${plugin.name}` || path.startsWith(`/${plugin.name}/`) ? "page" : "false"}
                    >${pluginTitle(plugin, locale())}</a
                  >
                </li>`,
            )}
            ${
              shellState.can("kernel:admin")
                ? html`<li>
                  <a href="/admin" aria-current=${path === "/admin" ? "page" : "false"}>${t("nav.admin")}</a>
                </li>`
                : nothing
            }
          </ul>
        </nav>
        <main id="content" tabindex="-1">${this.router.outlet()}</main>
      </div>`;
  }

  #closeMenu(event: Event): void {
    if ((event.target as HTMLElement).closest("a")) this.menuOpen = false;
  }

  #skip(event: Event): void {
    event.preventDefault();
    this.renderRoot.querySelector<HTMLElement>("main")?.focus();
  }

  #home() {
    this.#shown = undefined; // a plugin opened from here loads its current version
    const plugins = shellState.pagePlugins;
    return html`<h1>${t("home.title", { name: shellState.user?.display_name ?? "" })}</h1>
      <p class="muted">${plugins.length ? t("home.intro") : t("home.none")}</p>
      <div class="plugins">
        ${plugins.map(
          (plugin) =>
            html`<a class="card" href="/${plugin.name}">
              <h2>${pluginTitle(plugin, locale())}</h2>
              <p class="muted">${pluginDescription(plugin, locale())}</p>
            </a>`,
        )}
      </div>`;
  }

  #updateNotice(plugin: PluginInfo) {
    return html`<div class="update-notice" role="status">
      <span>${t("plugin.updated", { name: pluginTitle(plugin, locale()) })}</span>
      <button type="button" @click=${() => location.reload()}>${t("plugin.reloadPage")}</button>
    </div>`;
  }

  #plugin(name: string, rest: string) {
    const plugin: PluginInfo | undefined = shellState.enabledPlugins.find(
      (candidate) => candidate.name === name && candidate.ui,
    );
    if (!plugin) {
      this.#shown = undefined;
      const known = shellState.plugins.find((candidate) => candidate.name === name);
      return html`<roa-error-card
        .heading=${known ? t("plugin.gone", { name: pluginTitle(known, locale()) }) : t("plugin.unknown", { path: location.pathname })}
      ></roa-error-card>`;
    }
    // A new version of the open plugin: in development its page loads the new UI at
    // once; otherwise the page stays as it is and a notice offers the reload.
    const shown = this.#shown;
    const newer =
      shown?.name === name &&
      (shown.version !== plugin.version || shown.ui?.url !== plugin.ui?.url);
    const keep = newer && this.#uiReload === "notice";
    if (!keep) this.#shown = plugin;
    if (this.#staleUi !== name) this.#staleUi = undefined;
    const stale = keep || this.#staleUi === name;
    return html`${stale ? this.#updateNotice(plugin) : nothing}<roa-plugin-host
      @roa-plugin-stale=${() => {
        this.#staleUi = name;
        this.requestUpdate();
      }}
      .plugin=${keep ? shown : plugin}
      .route=${rest}
      .company=${shellState.company}
      .period=${shellState.period}
      .locale=${locale()}
    ></roa-plugin-host>`;
  }
}
customElements.define("roa-app", RoaApp);
