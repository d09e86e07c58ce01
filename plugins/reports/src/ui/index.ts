/**
 * <reports-app>: the reports UI. Tabs link the pages — dashboard (`/reports`),
 * invoices, aging, treasury and trial balance (`/reports/<page>`) — and each page
 * other than the dashboard loads as its own chunk the first time it is opened.
 */
import {
  announcePageTitle,
  css,
  html,
  nothing,
  PluginElement,
  sharedStyles,
  t,
} from "@roa2web/ui-shell/api";
import "./messages.js";
import "./dashboard-page.js";
import { PAGE_ERROR_EVENT } from "./report-page.js";

interface Page {
  route: string;
  label: string;
  load?: () => Promise<unknown>;
}

const PAGES: readonly Page[] = [
  { route: "", label: "reports.nav.dashboard" },
  { route: "invoices", label: "reports.nav.invoices", load: () => import("./invoices-page.js") },
  { route: "aging", label: "reports.nav.aging", load: () => import("./aging-page.js") },
  { route: "treasury", label: "reports.nav.treasury", load: () => import("./treasury-page.js") },
  {
    route: "trial-balance",
    label: "reports.nav.trialBalance",
    load: () => import("./trial-balance-page.js"),
  },
];

type Loading = "loading" | "ready" | "failed";

export class ReportsApp extends PluginElement {
  static override properties = {
    ...PluginElement.properties,
    pageStates: { state: true },
  };
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: grid;
        /* minmax: a wide table or the tab row scrolls inside, not the page. */
        grid-template-columns: minmax(0, 1fr);
        gap: var(--roa-space-4);
        min-width: 0;
      }
      nav ul {
        display: flex;
        gap: var(--roa-space-1);
        margin: 0;
        padding: 0;
        list-style: none;
        border-bottom: 1px solid var(--roa-border);
        overflow-x: auto;
        scrollbar-width: thin;
      }
      nav a {
        display: block;
        padding: var(--roa-space-2) var(--roa-space-3);
        color: var(--roa-text);
        text-decoration: none;
        white-space: nowrap;
        border-bottom: 3px solid transparent;
        margin-bottom: -1px;
      }
      nav a:hover {
        background: var(--roa-surface-hover);
      }
      nav a[aria-current="page"] {
        border-bottom-color: var(--roa-primary);
        font-weight: 600;
        color: var(--roa-primary);
      }
      /* A phone: every tab in view on two rows, rather than some hidden off the edge. */
      @media (max-width: 40rem) {
        nav ul {
          flex-wrap: wrap;
          overflow-x: visible;
        }
      }
      .status {
        padding: var(--roa-space-4);
        color: var(--roa-text-muted);
      }
    `,
  ];

  declare pageStates: ReadonlyMap<string, Loading>;

  constructor() {
    super();
    this.pageStates = new Map();
    // A page that throws while rendering: the shell's error card, with its retry.
    this.addEventListener(PAGE_ERROR_EVENT, (event) => {
      event.stopPropagation();
      this.reportError((event as CustomEvent).detail);
    });
  }

  /** The page of the current route ("invoices/", "invoices?x" included), if any. */
  get page(): Page | undefined {
    const route = this.route.replace(/[?#].*$/, "").replace(/^\/+|\/+$/g, "");
    return PAGES.find((page) => page.route === route);
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has("route")) {
      const page = this.page;
      if (page?.load && !this.pageStates.has(page.route)) void this.#load(page);
    }
  }

  /** A report page names itself in the tab (report-page.ts); an unknown one is said here. */
  protected override updated(): void {
    if (!this.page) announcePageTitle(this, t("reports.pageNotFound"));
  }

  async #load(page: Page): Promise<void> {
    this.pageStates = new Map(this.pageStates).set(page.route, "loading");
    let state: Loading = "ready";
    try {
      await page.load?.();
    } catch (error) {
      console.error(`[reports] page ${page.route}:`, error);
      state = "failed";
    }
    this.pageStates = new Map(this.pageStates).set(page.route, state);
  }

  override render() {
    const page = this.page;
    return html`<nav aria-label=${t("reports.nav")}>
        <ul>
          ${PAGES.map(
            (candidate) =>
              html`<li>
                <a
                  href=${candidate.route ? `/reports/${candidate.route}` : "/reports"}
                  aria-current=${candidate === page ? "page" : nothing}
                  @click=${(event: MouseEvent) => {
                    // The open page's tab: stay, keeping its filters (a navigation
                    // would drop them from the address but not from the page).
                    const plain =
                      event.button === 0 && !event.ctrlKey && !event.metaKey && !event.shiftKey;
                    if (plain && candidate === this.page) event.preventDefault();
                  }}
                  >${t(candidate.label)}</a
                >
              </li>`,
          )}
        </ul>
      </nav>
      ${this.#page(page)}`;
  }

  #page(page: Page | undefined) {
    if (!page) {
      return html`<roa-error-card
          .heading=${t("reports.notFound", { path: `/reports/${this.route}` })}
        ></roa-error-card>
        <p><a href="/reports">${t("reports.backToDashboard")}</a></p>`;
    }
    const state = page.load ? this.pageStates.get(page.route) : "ready";
    if (state === "failed") {
      return html`<roa-error-card
        retryable
        .heading=${t("reports.pageFailed")}
        @retry=${() => this.#load(page)}
      ></roa-error-card>`;
    }
    if (state !== "ready") {
      return html`<p class="status" role="status">${t("reports.loadingPage")}</p>`;
    }
    const company = this.company;
    const period = this.period;
    const locale = this.locale;
    switch (page.route) {
      case "invoices":
        return html`<reports-invoices .company=${company} .period=${period} .locale=${locale}></reports-invoices>`;
      case "aging":
        return html`<reports-aging .company=${company} .period=${period} .locale=${locale}></reports-aging>`;
      case "treasury":
        return html`<reports-treasury .company=${company} .period=${period} .locale=${locale}></reports-treasury>`;
      case "trial-balance":
        return html`<reports-trial-balance .company=${company} .period=${period} .locale=${locale}></reports-trial-balance>`;
      default:
        return html`<reports-dashboard .company=${company} .period=${period} .locale=${locale}></reports-dashboard>`;
    }
  }
}

if (!customElements.get("reports-app")) customElements.define("reports-app", ReportsApp);
