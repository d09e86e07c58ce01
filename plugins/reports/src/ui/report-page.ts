/**
 * What every report page shares: the company/period/locale properties the root
 * element passes down, the page styles, the heading with company and period, and
 * the loading and error states.
 */
import type { ReportPeriodView } from "@roa2web/reports-contract";
import {
  announcePageTitle,
  css,
  formatDate,
  formatPeriod,
  html,
  LitElement,
  nothing,
  type PropertyValues,
  sharedStyles,
  shellState,
  t,
} from "@roa2web/ui-shell/api";
import type { LatestRequest } from "./latest-request.js";

export const pageStyles = css`
  :host {
    display: grid;
    /* minmax: a wide table scrolls inside its box, not the page. */
    grid-template-columns: minmax(0, 1fr);
    gap: var(--roa-space-4);
    min-width: 0;
  }
  header.page {
    display: flex;
    flex-wrap: wrap;
    gap: var(--roa-space-2) var(--roa-space-4);
    align-items: baseline;
    justify-content: space-between;
  }
  header.page h1 {
    margin: 0;
  }
  header.page p {
    margin: 0;
  }
  .meta {
    display: flex;
    flex-wrap: wrap;
    gap: var(--roa-space-1) var(--roa-space-3);
    font-size: 0.9rem;
  }
  .status {
    padding: var(--roa-space-4);
    color: var(--roa-text-muted);
  }
  .loading-data {
    opacity: 0.55;
    transition: opacity 0.15s;
  }
  p {
    margin: 0 0 var(--roa-space-2);
  }
  .toolbar {
    margin-bottom: 0;
  }
  .toolbar label {
    min-width: 0;
  }
  tbody th[scope="row"] {
    font-size: inherit;
    font-weight: 500;
    color: var(--roa-text);
  }
  .segmented {
    display: inline-flex;
    border: 1px solid var(--roa-border-strong);
    border-radius: var(--roa-radius);
    overflow: hidden;
  }
  .segmented button {
    border: none;
    border-radius: 0;
  }
  .segmented button + button {
    border-left: 1px solid var(--roa-border-strong);
  }
  .segmented button[aria-pressed="true"] {
    background: var(--roa-primary);
    color: var(--roa-on-primary);
  }
  .chip {
    display: inline-flex;
    align-items: center;
    gap: var(--roa-space-1);
    min-height: 2.25rem;
    padding: 0 var(--roa-space-1) 0 var(--roa-space-3);
    border-radius: 999px;
    background: var(--roa-surface-hover);
    border: 1px solid var(--roa-border);
  }
  .chip button {
    min-height: 1.75rem;
    padding: 0 var(--roa-space-2);
    border-radius: 999px;
    border: none;
    background: transparent;
  }
  .spacer {
    flex: 1;
  }
  /* <roa-table-scroll class="scroll">: the table scrolls inside, the first column stays. */
  .scroll {
    overflow: clip;
    border: 1px solid var(--roa-border);
    border-radius: var(--roa-radius-lg);
    background: var(--roa-surface);
  }
  .scroll table {
    min-width: 100%;
  }
  table caption {
    text-align: left;
    padding: var(--roa-space-2);
    font-weight: 600;
  }
  td.num,
  th.num {
    white-space: nowrap;
  }
  tr.subtotal td,
  tr.subtotal th,
  tfoot td,
  tfoot th {
    font-weight: 600;
    background: var(--roa-surface-hover);
    color: var(--roa-text);
  }
  tfoot tr:last-child td,
  tfoot tr:last-child th {
    border-top: 2px solid var(--roa-border-strong);
  }
  button.link {
    min-height: auto;
    padding: 0;
    border: none;
    background: none;
    color: var(--roa-link);
    text-decoration: underline;
    text-align: left;
  }
  button.link:hover:not(:disabled) {
    background: none;
  }
  .negative {
    color: var(--roa-danger);
  }
  @media (max-width: 600px) {
    .toolbar > label,
    .toolbar > .segmented {
      flex: 1 1 100%;
    }
    .segmented button {
      flex: 1;
      justify-content: center;
    }
    .toolbar select,
    .toolbar input {
      width: 100%;
    }
  }
`;

/** Fired by a page that fails to render; `<reports-app>` hands it to the shell's boundary. */
export const PAGE_ERROR_EVENT = "reports-page-error";

/** The root element's pages: set by `<reports-app>` from the shell's properties. */
export class ReportPage extends LitElement {
  static override properties = {
    company: { type: Number },
    period: {},
    locale: {},
  };
  static override styles = [sharedStyles, pageStyles];

  declare company: number | undefined;
  declare period: string;
  declare locale: string;

  constructor() {
    super();
    this.period = "";
    this.locale = "ro";
  }

  /** A rendering error would otherwise only reach the console, leaving a blank page. */
  protected override update(changed: PropertyValues): void {
    try {
      super.update(changed);
      const title = this.pageTitle();
      if (title) announcePageTitle(this, title);
    } catch (error) {
      this.dispatchEvent(
        new CustomEvent(PAGE_ERROR_EVENT, { detail: error, bubbles: true, composed: true }),
      );
    }
  }

  /** The company's currency (RON for the demo ERP). */
  get currency(): string {
    return shellState.companies.find((company) => company.id === this.company)?.currency ?? "RON";
  }

  /** The browser tab's name for this page: its heading unless a page says better. */
  pageTitle(): string | undefined {
    return this.#heading;
  }

  #heading: string | undefined;

  /** `<h1>` with the company, the period and, once known, the as-of date. */
  pageHeader(title: string, period: ReportPeriodView | undefined, actions: unknown = nothing) {
    this.#heading = title;
    const company = shellState.companies.find((candidate) => candidate.id === this.company);
    return html`<header class="page">
      <div>
        <h1>${title}</h1>
        <p class="meta muted">
          <span>${t("reports.periodLine", { company: company?.name ?? "—", period: formatPeriod(this.period) })}</span>
          ${
            period
              ? html`<span>${t("reports.asOf", { date: formatDate(period.as_of) })}</span>
                <span>${period.closed ? t("reports.periodClosed") : t("reports.periodOpen")}</span>`
              : nothing
          }
        </p>
      </div>
      ${actions}
    </header>`;
  }

  /**
   * The states before there is something to show: no company chosen, the first
   * load, or a failure (with a retry). `undefined` when the data can be shown.
   */
  requestState(request: LatestRequest<unknown>) {
    if (this.company === undefined) return html`<p class="status">${t("reports.noCompany")}</p>`;
    if (request.error) {
      return html`<roa-error-card
        plugin="reports"
        retryable
        .heading=${t("reports.loadFailed")}
        .error=${request.error}
        @retry=${() => request.retry()}
      ></roa-error-card>`;
    }
    if (request.value === undefined) {
      return html`<p class="status" role="status">${t("reports.loading")}</p>`;
    }
    return undefined;
  }
}

/** Shortcut: the period part of every report query. */
export function reportQuery(page: ReportPage, filters: Record<string, unknown> = {}) {
  return { company: page.company, period: page.period || undefined, ...filters } as Record<
    string,
    string | number | undefined
  >;
}
