/**
 * <reports-aging>: what clients still owe (or what is owed to suppliers) at the
 * as-of date, in buckets of days past due, with each bucket's share.
 */
import type { AgingReport } from "@roa2web/reports-contract";
import {
  api,
  css,
  currentQuery,
  formatDate,
  formatMoney,
  formatPercent,
  html,
  setQuery,
  sharedStyles,
  t,
} from "@roa2web/ui-shell/api";
import "./export-buttons.js";
import { LatestRequest } from "./latest-request.js";
import { pageStyles, ReportPage, reportQuery } from "./report-page.js";
import {
  type AgingFilters,
  agingFiltersFromQuery,
  agingFiltersToQuery,
  agingReportFilters,
  DEFAULT_INVOICE_FILTERS,
  INVOICE_TYPES,
  invoiceFiltersToQuery,
  queryString,
} from "./report-query.js";

export class ReportsAging extends ReportPage {
  static override properties = { ...ReportPage.properties, filters: { state: true } };
  static override styles = [
    sharedStyles,
    pageStyles,
    css`
      .bar {
        display: block;
        height: 0.6rem;
        min-width: 2px;
        border-radius: 3px;
        background: var(--roa-chart-1);
      }
      .bar.late {
        background: var(--roa-chart-2);
      }
      td.share {
        width: 30%;
        min-width: 6rem;
      }
      tbody th,
      tfoot th {
        white-space: nowrap;
      }
      @media (max-width: 600px) {
        /* A phone: the percentage alone, so the table fits. */
        td.share {
          width: auto;
          min-width: 0;
        }
        .share-line {
          grid-template-columns: auto;
          justify-items: end;
        }
        .bar {
          display: none;
        }
      }
      .share-line {
        display: grid;
        grid-template-columns: 1fr 4rem;
        gap: var(--roa-space-2);
        align-items: center;
      }
      .summary {
        display: flex;
        flex-wrap: wrap;
        gap: var(--roa-space-2) var(--roa-space-4);
        margin: 0;
      }
      .summary div {
        display: grid;
      }
      .summary dt {
        color: var(--roa-text-muted);
        font-size: 0.9rem;
      }
      .summary dd {
        margin: 0;
        font-weight: 650;
        font-size: 1.15rem;
        font-variant-numeric: tabular-nums;
      }
    `,
  ];

  declare filters: AgingFilters;
  readonly #request = new LatestRequest<AgingReport>(this);

  constructor() {
    super();
    this.filters = agingFiltersFromQuery(currentQuery());
  }

  override willUpdate(): void {
    if (this.company === undefined) return;
    const query = reportQuery(this, agingReportFilters(this.filters));
    void this.#request.run(JSON.stringify(query), (signal) =>
      api.get<AgingReport>("/api/reports/invoices/aging", { query, signal }),
    );
  }

  #apply(change: Partial<AgingFilters>): void {
    this.filters = { ...this.filters, ...change };
    setQuery(agingFiltersToQuery(this.filters));
  }

  override render() {
    const data = this.#request.value;
    const exportFilters = reportQuery(this, agingReportFilters(this.filters));
    return html`${this.pageHeader(
      t("reports.aging.title"),
      data?.period,
      html`<reports-export report="aging" .filters=${exportFilters} .locale=${this.locale}></reports-export>`,
    )}
      <div class="toolbar">
        <div class="segmented" role="group" aria-label=${t("reports.invoices.type")}>
          ${INVOICE_TYPES.map(
            (type) =>
              html`<button
                type="button"
                aria-pressed=${this.filters.type === type ? "true" : "false"}
                @click=${() => this.#apply({ type })}
              >
                ${t(`reports.invoices.${type}`)}
              </button>`,
          )}
        </div>
      </div>
      ${this.requestState(this.#request) ?? this.#content(data as AgingReport)}`;
  }

  #content(data: AgingReport) {
    const type = this.filters.type;
    const overdueLink = `/reports/invoices${queryString(
      invoiceFiltersToQuery({
        ...DEFAULT_INVOICE_FILTERS,
        type,
        status: "overdue",
        sort: "due_date",
        direction: "asc",
      }),
    )}`;
    return html`<div class=${this.#request.loading ? "loading-data" : ""} aria-busy=${this.#request.loading ? "true" : "false"}>
      <p class="muted">
        ${t("reports.aging.intro", { date: formatDate(data.period.as_of) })}
        ${t("reports.amountsIn", { currency: this.currency })}.
      </p>
      <dl class="summary">
        <div><dt>${t("reports.aging.total")}</dt><dd data-testid="aging-total">${formatMoney(data.total)}</dd></div>
        <div><dt>${t("reports.aging.overdue")}</dt><dd>${formatMoney(data.overdue)}</dd></div>
        <div><dt>${t("reports.aging.count")}</dt><dd>${data.invoices ?? "—"}</dd></div>
      </dl>
      ${
        data.total === 0 && (data.invoices ?? 0) === 0
          ? html`<p class="status">${t("reports.aging.empty")}</p>`
          : html`<roa-table-scroll class="scroll">
            <table>
              <caption>${t(`reports.aging.caption.${type}`)}</caption>
              <thead>
                <tr>
                  <th scope="col">${t("reports.aging.bucket")}</th>
                  <th scope="col" class="num">${t("reports.aging.invoices")}</th>
                  <th scope="col" class="num">${t("reports.aging.amount")}</th>
                  <th scope="col">${t("reports.aging.share")}</th>
                </tr>
              </thead>
              <tbody>
                ${data.buckets.map((bucket) => {
                  const share = data.total > 0 ? bucket.amount / data.total : 0;
                  return html`<tr data-bucket=${bucket.key}>
                    <th scope="row">${t(`reports.aging.bucket.${bucket.key}`)}</th>
                    <td class="num">${bucket.invoices}</td>
                    <td class="num">${formatMoney(bucket.amount)}</td>
                    <td class="share">
                      <span class="share-line">
                        <span
                          class="bar ${bucket.key === "not_due" ? "" : "late"}"
                          style="width: ${(share * 100).toFixed(1)}%"
                          aria-hidden="true"
                        ></span>
                        <span class="num">${formatPercent(share)}</span>
                      </span>
                    </td>
                  </tr>`;
                })}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">${t("reports.total")}</th>
                  <td class="num">${data.invoices ?? ""}</td>
                  <td class="num">${formatMoney(data.total)}</td>
                  <td class="num">${formatPercent(data.total > 0 ? 1 : 0)}</td>
                </tr>
              </tfoot>
            </table>
          </roa-table-scroll>
          <p><a href=${overdueLink}>${t("reports.aging.seeOverdue")}</a></p>`
      }
    </div>`;
  }
}

if (!customElements.get("reports-aging")) customElements.define("reports-aging", ReportsAging);
