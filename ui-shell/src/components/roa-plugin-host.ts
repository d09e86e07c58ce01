/**
 * <roa-plugin-host>: the error boundary around one plugin's UI. It lazy-loads the
 * plugin's module the first time the plugin is opened, mounts its root element and
 * passes it the route, company, period and language. A module that fails to load, an
 * element that never gets defined, throws while being created or connected, or
 * reports a rendering error (PluginElement does) leaves an error card with a retry in
 * the plugin's area; the header, the navigation and the other plugins go on working.
 *
 * A new version of the plugin (its `version` and UI URL change while the page is open)
 * is loaded at its own URL and replaces the old implementation of the plugin's tags
 * (core/element-versions.ts); the element is created again, on the same route. When the
 * new module could not replace the old one (it skipped its `define`), the host says so
 * with a `roa-plugin-stale` event: the page can only offer a reload.
 */
import { css, html, LitElement, nothing, type PropertyValues } from "lit";
import { currentImplementation, loadingVersion } from "../core/element-versions.js";
import { t } from "../core/i18n.js";
import { PLUGIN_ERROR_EVENT } from "../core/plugin-element.js";
import { type PluginInfo, pluginTitle } from "../core/shell-state.js";
import { sharedStyles } from "../core/styles.js";
import "./roa-error-card.js";

const DEFINE_TIMEOUT_MS = 10_000;

/** Fired (bubbling, composed) when a new version's UI did not replace the one in the page. */
export const PLUGIN_STALE_EVENT = "roa-plugin-stale";

/** The version of each plugin whose UI module this page has loaded. */
const loadedVersions = new Map<string, string>();

/** One import per module URL and attempt: a retry after a failure fetches anew. */
const modules = new Map<string, Promise<unknown>>();

function loadModule(url: string, attempt: number): Promise<unknown> {
  const target = attempt === 0 ? url : `${url}${url.includes("?") ? "&" : "?"}attempt=${attempt}`;
  let loading = modules.get(target);
  if (!loading) {
    loading = import(/* @vite-ignore */ target);
    modules.set(target, loading);
  }
  return loading;
}

function definedWithin(tag: string, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`The module loaded but did not define <${tag}>`)),
      ms,
    );
    void customElements.whenDefined(tag).then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

type Status = "loading" | "ready" | "load-failed" | "render-failed";

interface PluginRoot extends HTMLElement {
  route?: string;
  company?: number | undefined;
  period?: string;
  locale?: string;
  updateComplete?: Promise<unknown>;
}

export class RoaPluginHost extends LitElement {
  static override properties = {
    plugin: { attribute: false },
    route: {},
    company: { type: Number },
    period: {},
    locale: {},
    status: { state: true },
    failure: { state: true },
  };
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
      }
      .loading {
        padding: var(--roa-space-4);
        color: var(--roa-text-muted);
      }
    `,
  ];

  declare plugin: PluginInfo | undefined;
  declare route: string;
  declare company: number | undefined;
  declare period: string;
  declare locale: string;
  declare status: Status;
  declare failure: unknown;

  readonly #mount = document.createElement("div");
  #element: PluginRoot | undefined;
  #attempt = 0;
  #mountedFor: string | undefined;

  constructor() {
    super();
    this.route = "";
    this.period = "";
    this.locale = "ro";
    this.status = "loading";
    this.#mount.className = "mount";
    this.addEventListener(PLUGIN_ERROR_EVENT, (event) => {
      event.stopPropagation();
      this.#fail("render-failed", (event as CustomEvent).detail);
    });
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const plugin = this.plugin;
    const key = plugin?.ui ? `${plugin.name}|${plugin.ui.url}|${plugin.version}` : undefined;
    if (key !== this.#mountedFor) {
      this.#mountedFor = key;
      this.#attempt = 0;
      void this.#mountPlugin();
      return;
    }
    if (
      this.#element &&
      (changed.has("route") ||
        changed.has("company") ||
        changed.has("period") ||
        changed.has("locale"))
    ) {
      this.#pushProperties(this.#element);
    }
  }

  override render() {
    const name = this.plugin ? pluginTitle(this.plugin, this.locale) : "";
    const failed = this.status === "load-failed" || this.status === "render-failed";
    this.#mount.hidden = failed || this.status === "loading";
    return html`${
      this.status === "loading"
        ? html`<p class="loading" role="status">${t("plugin.loading")}</p>`
        : nothing
    }
    ${
      failed
        ? html`<roa-error-card
          retryable
          .heading=${t(this.status === "load-failed" ? "plugin.failedLoad" : "plugin.failedRender", { name })}
          .error=${this.failure}
          @retry=${this.#retry}
        ></roa-error-card>`
        : nothing
    }
    ${this.#mount}`;
  }

  async #mountPlugin(): Promise<void> {
    this.#unmount();
    const plugin = this.plugin;
    if (!plugin?.ui) return;
    const { tag, url } = plugin.ui;
    const key = this.#mountedFor;
    this.status = "loading";
    const before = loadedVersions.get(plugin.name);
    const upgrade = before !== undefined && before !== plugin.version;
    const previous = upgrade ? currentImplementation(tag) : undefined;
    loadingVersion(plugin.name, plugin.version);
    try {
      await loadModule(url, this.#attempt);
      await definedWithin(tag, DEFINE_TIMEOUT_MS);
    } catch (error) {
      if (key === this.#mountedFor) this.#fail("load-failed", error);
      return;
    }
    loadedVersions.set(plugin.name, plugin.version);
    if (key !== this.#mountedFor) return;
    if (upgrade && currentImplementation(tag) === previous) {
      this.dispatchEvent(
        new CustomEvent(PLUGIN_STALE_EVENT, {
          detail: { plugin: plugin.name, version: plugin.version },
          bubbles: true,
          composed: true,
        }),
      );
    }
    this.#create(tag);
  }

  #create(tag: string): void {
    // Errors in a custom element's constructor or connectedCallback are reported to
    // window.onerror during append, not thrown to the caller: catch them there.
    let reported: unknown;
    const onError = (event: ErrorEvent) => {
      reported ??= event.error ?? new Error(event.message);
      event.preventDefault();
    };
    window.addEventListener("error", onError);
    try {
      const element = document.createElement(tag) as PluginRoot;
      this.#pushProperties(element);
      this.#mount.append(element);
      this.#element = element;
    } catch (error) {
      reported ??= error;
    } finally {
      window.removeEventListener("error", onError);
    }
    if (reported !== undefined) {
      this.#fail("render-failed", reported);
      return;
    }
    this.status = "ready";
    this.#watch(this.#element);
  }

  #pushProperties(element: PluginRoot): void {
    element.route = this.route;
    element.company = this.company;
    element.period = this.period;
    element.locale = this.locale;
    this.#watch(element);
  }

  /** A Lit element's failed update rejects updateComplete: that is a render error. */
  #watch(element: PluginRoot | undefined): void {
    element?.updateComplete?.catch((error: unknown) => {
      if (element === this.#element) this.#fail("render-failed", error);
    });
  }

  #fail(status: Status, error: unknown): void {
    console.error(`[roa2web] plugin ${this.plugin?.name}:`, error);
    this.failure = error;
    this.status = status;
    this.#unmount();
  }

  #unmount(): void {
    this.#element?.remove();
    this.#element = undefined;
  }

  #retry(): void {
    if (this.status === "load-failed") this.#attempt += 1;
    void this.#mountPlugin();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#unmount();
    this.#mountedFor = undefined;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Re-attached (navigation back to this plugin): mount again on the next update.
    this.requestUpdate();
  }
}
customElements.define("roa-plugin-host", RoaPluginHost);
