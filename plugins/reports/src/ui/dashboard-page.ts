/**
 * <reports-dashboard>: the company's key figures for the period as tiles, and the
 * last 12 months as charts (the chart code loads after the tiles show).
 */
import type { DashboardReport, OpenAmounts } from "@roa2web/reports-contract";
import {
  api,
  css,
  formatDate,
  formatMoney,
  html,
  localeTag,
  nothing,
  sharedStyles,
  t,
} from "@roa2web/ui-shell/api";
import { LatestRequest } from "./latest-request.js";
import "./export-buttons.js";
import { pageStyles, ReportPage, reportQuery } from "./report-page.js";
import type { ChartSeries, PartialMonth } from "./reports-chart.js";
import "./reports-chart.js";

/** `2025-06` → `iun. 25` / `Jun 25`: short enough for 12 labels on a phone. */
function monthLabel(month: string): string {
  const [year, number] = month.split("-").map(Number);
  if (!year || !number) return month;
  return new Date(year, number - 1, 1).toLocaleDateString(localeTag(), {
    month: "short",
    year: "2-digit",
  });
}

/**
 * The series' last month when the figures stop before its end (`as_of` is today, inside
 * it): its bar is only part of a month and must not read as a bad one.
 */
function partialMonth(
  series: ReadonlyArray<{ month: string }>,
  asOf: string,
  message: string,
): PartialMonth | null {
  const last = series.at(-1)?.month;
  if (!last || asOf.slice(0, 7) !== last) return null;
  const [year, month] = last.split("-").map(Number);
  const lastDay = new Date(Date.UTC(year ?? 0, month ?? 0, 0)).getUTCDate();
  if (Number(asOf.slice(8, 10)) >= lastDay) return null;
  return {
    index: series.length - 1,
    note: t(message, { month: monthLabel(last), date: formatDate(asOf) }),
  };
}

export class ReportsDashboard extends ReportPage {
  static override styles = [
    sharedStyles,
    pageStyles,
    css`
      .tiles {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(min(100%, 13rem), 1fr));
        gap: var(--roa-space-3);
        margin: 0;
      }
      .tile {
        background: var(--roa-surface);
        border: 1px solid var(--roa-border);
        border-radius: var(--roa-radius-lg);
        padding: var(--roa-space-3) var(--roa-space-4);
        min-width: 0;
      }
      .tile dt {
        color: var(--roa-text-muted);
        font-size: 0.9rem;
      }
      .tile dd {
        margin: var(--roa-space-1) 0 0;
      }
      .value {
        display: block;
        font-size: 1.35rem;
        font-weight: 650;
        font-variant-numeric: tabular-nums;
        overflow-wrap: anywhere;
      }
      .currency {
        font-size: 0.8rem;
        font-weight: 400;
        color: var(--roa-text-muted);
      }
      .tile .sub {
        display: block;
        font-size: 0.85rem;
        color: var(--roa-text-muted);
      }
      .tile .sub.overdue {
        color: var(--roa-danger);
      }
      .charts {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(min(100%, 24rem), 1fr));
        gap: var(--roa-space-3);
      }
      .charts .card {
        min-width: 0;
      }
    `,
  ];

  readonly #request = new LatestRequest<DashboardReport>(this);
  /** The charts' inputs, rebuilt only for new data or another language. */
  #charts:
    | {
        data: DashboardReport;
        locale: string;
        labels: string[];
        bars: ChartSeries[];
        result: ChartSeries[];
        partial: PartialMonth | null;
        partialLine: PartialMonth | null;
        unit: string;
      }
    | undefined;

  override willUpdate(): void {
    if (this.company === undefined) return;
    const query = reportQuery(this);
    void this.#request.run(JSON.stringify(query), (signal) =>
      api.get<DashboardReport>("/api/reports/dashboard", { query, signal }),
    );
  }

  override render() {
    const data = this.#request.value;
    return html`${this.pageHeader(
      t("reports.dashboard.title"),
      data?.period,
      html`<reports-export report="dashboard" .filters=${reportQuery(this)} .locale=${this.locale}></reports-export>`,
    )}
      ${this.requestState(this.#request) ?? this.#content(data as DashboardReport)}`;
  }

  #content(data: DashboardReport) {
    const currency = this.currency;
    const money = (value: number | undefined) => formatMoney(value, currency);
    const tile = (key: string, value: number | undefined, extra: unknown = nothing) =>
      html`<div class="tile" data-kpi=${key}>
        <dt>${t(`reports.kpi.${key}`)}</dt>
        <dd>
          <span class="value ${value !== undefined && value < 0 ? "negative" : ""}"
            >${formatMoney(value)} <span class="currency">${currency}</span></span
          >
          ${extra}
        </dd>
      </div>`;
    const overdue = (amounts: OpenAmounts | undefined) =>
      amounts
        ? html`<span class="sub ${amounts.overdue > 0 ? "overdue" : ""}"
            >${t("reports.kpi.overdue", { amount: money(amounts.overdue) })}</span
          >`
        : nothing;
    const series = data.series ?? [];
    const empty = series.every(
      (month) => month.revenue === 0 && month.expenses === 0 && month.result === 0,
    );
    const charts = this.#chartInputs(data);
    return html`<div class=${this.#request.loading ? "loading-data" : ""} aria-busy=${this.#request.loading ? "true" : "false"}>
        <dl class="tiles" aria-label=${t("reports.kpi.label")}>
          ${tile("revenue", data.revenue)} ${tile("expenses", data.expenses)}
          ${tile("result", data.result)} ${tile("cash", data.cash)} ${tile("bank", data.bank)}
          ${tile("receivables", data.receivables?.total, overdue(data.receivables))}
          ${tile("payables", data.payables?.total, overdue(data.payables))}
        </dl>
      </div>
      ${
        empty
          ? html`<p class="status">${t("reports.chart.empty")}</p>`
          : html`<div class="charts">
            <section class="card">
              <reports-chart
                kind="bar"
                .caption=${t("reports.chart.revenueExpenses")}
                .labels=${charts.labels}
                .series=${charts.bars}
                .partial=${charts.partial}
                .unit=${charts.unit}
                .locale=${this.locale}
              ></reports-chart>
            </section>
            <section class="card">
              <reports-chart
                kind="line"
                first-colour="3"
                .caption=${t("reports.chart.result")}
                .labels=${charts.labels}
                .series=${charts.result}
                .partial=${charts.partialLine}
                .unit=${charts.unit}
                .locale=${this.locale}
              ></reports-chart>
            </section>
          </div>`
      }`;
  }

  #chartInputs(data: DashboardReport) {
    if (this.#charts?.data !== data || this.#charts.locale !== this.locale) {
      const series = data.series ?? [];
      this.#charts = {
        data,
        locale: this.locale,
        labels: series.map((month) => monthLabel(month.month)),
        bars: [
          { label: t("reports.kpi.revenue"), values: series.map((month) => month.revenue) },
          { label: t("reports.kpi.expenses"), values: series.map((month) => month.expenses) },
        ],
        result: [{ label: t("reports.kpi.result"), values: series.map((month) => month.result) }],
        partial: partialMonth(series, data.period.as_of, "reports.chart.partial"),
        partialLine: partialMonth(series, data.period.as_of, "reports.chart.partialLine"),
        unit: t("reports.chart.unit", {
          currency: this.currency === "RON" ? t("reports.chart.lei") : this.currency,
        }),
      };
    }
    return this.#charts;
  }
}

if (!customElements.get("reports-dashboard")) {
  customElements.define("reports-dashboard", ReportsDashboard);
}
