/**
 * <reports-trial-balance>: the balanța de verificare — per account the opening
 * balance, the period's turnover, the total sums (opening + turnover) and the
 * closing balance, each as debit and credit,
 * with a subtotal per account class and the grand total (whose debits equal its
 * credits when every class is shown).
 */
import type { TrialBalanceLine, TrialBalanceReport } from "@roa2web/reports-contract";
import {
  api,
  css,
  currentQuery,
  formatMoney,
  formatPeriod,
  html,
  nothing,
  setQuery,
  sharedStyles,
  t,
} from "@roa2web/ui-shell/api";
import { TRIAL_BALANCE_COLUMNS } from "../trial-balance-rules.js";
import "./export-buttons.js";
import { LatestRequest } from "./latest-request.js";
import { pageStyles, ReportPage, reportQuery } from "./report-page.js";
import {
  LEVELS,
  type Level,
  sumMoney,
  type TrialBalanceFilters,
  trialBalanceFiltersFromQuery,
  trialBalanceFiltersToQuery,
  trialBalanceReportFilters,
} from "./report-query.js";

// One list for the report, its files and this page (a pure module, bundled here).
const COLUMNS = TRIAL_BALANCE_COLUMNS;
type Amounts = Record<(typeof COLUMNS)[number], number>;

const CLASSES = [1, 2, 3, 4, 5, 6, 7, 8, 9];

function sumLines(lines: readonly TrialBalanceLine[]): Amounts {
  return Object.fromEntries(
    COLUMNS.map((column) => [column, sumMoney(lines.map((line) => line[column]))]),
  ) as Amounts;
}

export class ReportsTrialBalance extends ReportPage {
  static override properties = { ...ReportPage.properties, filters: { state: true } };
  static override styles = [
    sharedStyles,
    pageStyles,
    css`
      thead th {
        text-align: center;
      }
      thead th.num {
        text-align: right;
      }
      thead tr:first-child th[scope="col"]:first-child,
      thead tr:first-child th[scope="col"]:nth-child(2) {
        text-align: left;
        vertical-align: bottom;
      }
      table {
        font-size: 0.9rem;
      }
      td.name {
        min-width: 14rem;
      }
      .balanced {
        color: var(--roa-success);
      }
    `,
  ];

  declare filters: TrialBalanceFilters;
  readonly #request = new LatestRequest<TrialBalanceReport>(this);

  constructor() {
    super();
    this.filters = trialBalanceFiltersFromQuery(currentQuery());
  }

  override willUpdate(): void {
    if (this.company === undefined) return;
    const query = reportQuery(this, trialBalanceReportFilters(this.filters));
    void this.#request.run(JSON.stringify(query), (signal) =>
      api.get<TrialBalanceReport>("/api/reports/trial-balance", { query, signal }),
    );
  }

  #apply(change: Partial<TrialBalanceFilters>): void {
    this.filters = { ...this.filters, ...change };
    setQuery(trialBalanceFiltersToQuery(this.filters));
  }

  override render() {
    const data = this.#request.value;
    const exportFilters = reportQuery(this, trialBalanceReportFilters(this.filters));
    return html`${this.pageHeader(
      t("reports.trialBalance.title"),
      data?.period,
      html`<reports-export report="trial-balance" .filters=${exportFilters} .locale=${this.locale}></reports-export>`,
    )}
      ${this.#toolbar()}
      ${this.requestState(this.#request) ?? this.#content(data as TrialBalanceReport)}`;
  }

  #toolbar() {
    const filters = this.filters;
    return html`<div class="toolbar">
      <label>
        ${t("reports.trialBalance.level")}
        <select
          @change=${(event: Event) =>
            this.#apply({ level: (event.target as HTMLSelectElement).value as Level })}
        >
          ${LEVELS.map(
            (level) =>
              html`<option value=${level} ?selected=${filters.level === level}>
                ${t(`reports.trialBalance.level.${level}`)}
              </option>`,
          )}
        </select>
      </label>
      <label>
        ${t("reports.trialBalance.class")}
        <select
          @change=${(event: Event) => {
            const value = (event.target as HTMLSelectElement).value;
            this.#apply({ accountClass: value ? Number(value) : undefined });
          }}
        >
          <option value="" ?selected=${filters.accountClass === undefined}>${t("reports.all")}</option>
          ${CLASSES.map(
            (accountClass) =>
              html`<option value=${accountClass} ?selected=${filters.accountClass === accountClass}>
                ${t(`reports.trialBalance.class.${accountClass}`)}
              </option>`,
          )}
        </select>
      </label>
    </div>`;
  }

  #content(data: TrialBalanceReport) {
    const loading = this.#request.loading;
    if (data.lines.length === 0) {
      return html`<p class="status">${t("reports.trialBalance.empty")}</p>`;
    }
    const classes = [...new Set(data.lines.map((line) => line.account_class))];
    const grouped = classes.length > 1;
    const totals = data.totals;
    const same = (a: number, b: number) => Math.round(a * 100) === Math.round(b * 100);
    const balanced =
      same(totals.opening_debit, totals.opening_credit) &&
      same(totals.period_debit, totals.period_credit) &&
      same(totals.total_debit, totals.total_credit) &&
      same(totals.closing_debit, totals.closing_credit);
    const amounts = (values: Amounts) =>
      COLUMNS.map((column) => html`<td class="num">${formatMoney(values[column])}</td>`);
    return html`<div class=${loading ? "loading-data" : ""} aria-busy=${loading ? "true" : "false"}>
      <p class="muted">
        ${t("reports.trialBalance.accounts", { count: data.lines.length })} ·
        ${t("reports.amountsIn", { currency: this.currency })}
        ${
          data.account_class == null
            ? html` ·
              <span class=${balanced ? "balanced" : "error-text"} role=${balanced ? nothing : "alert"}>
                ${balanced ? `✓ ${t("reports.trialBalance.balanced")}` : t("reports.trialBalance.unbalanced")}
              </span>`
            : nothing
        }
      </p>
      <roa-table-scroll class="scroll">
        <table>
          <caption>${t("reports.trialBalance.caption", { period: formatPeriod(this.period) })}</caption>
          <thead>
            <tr>
              <th scope="col" rowspan="2">${t("reports.trialBalance.account")}</th>
              <th scope="col" rowspan="2">${t("reports.trialBalance.name")}</th>
              <th scope="colgroup" colspan="2">${t("reports.trialBalance.opening")}</th>
              <th scope="colgroup" colspan="2">${t("reports.trialBalance.period")}</th>
              <th scope="colgroup" colspan="2">${t("reports.trialBalance.totalSums")}</th>
              <th scope="colgroup" colspan="2">${t("reports.trialBalance.closing")}</th>
            </tr>
            <tr>
              ${COLUMNS.map(
                (column) =>
                  html`<th scope="col" class="num">
                    ${t(column.endsWith("debit") ? "reports.trialBalance.debit" : "reports.trialBalance.credit")}
                  </th>`,
              )}
            </tr>
          </thead>
          ${classes.map((accountClass) => {
            const lines = data.lines.filter((line) => line.account_class === accountClass);
            return html`<tbody>
              ${lines.map(
                (line) =>
                  html`<tr>
                    <th scope="row">${line.account}</th>
                    <td class="name">${line.name ?? ""}</td>
                    ${amounts(line)}
                  </tr>`,
              )}
              ${
                grouped
                  ? html`<tr class="subtotal">
                    <th scope="row" colspan="2">
                      ${t("reports.total")} ${t(`reports.trialBalance.class.${accountClass}`)}
                    </th>
                    ${amounts(sumLines(lines))}
                  </tr>`
                  : nothing
              }
            </tbody>`;
          })}
          <tfoot>
            <tr data-testid="trial-balance-total">
              <th scope="row" colspan="2">${t("reports.total")}</th>
              ${amounts(totals)}
            </tr>
          </tfoot>
        </table>
      </roa-table-scroll>
    </div>`;
  }
}

if (!customElements.get("reports-trial-balance")) {
  customElements.define("reports-trial-balance", ReportsTrialBalance);
}
