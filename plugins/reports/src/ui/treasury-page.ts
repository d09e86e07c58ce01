/**
 * <reports-treasury>: each cash register and bank account's opening balance,
 * receipts, payments and closing balance for the period, with cash, bank and overall
 * totals; below, the movements, paged by the server and narrowed to one account on
 * request.
 */
import type {
  TreasuryAccountView,
  TreasuryFigures,
  TreasuryMovement,
  TreasuryReport,
} from "@roa2web/reports-contract";
import {
  api,
  type Column,
  currentQuery,
  formatDate,
  formatMoney,
  html,
  locale,
  nothing,
  setQuery,
  t,
} from "@roa2web/ui-shell/api";
import { treasuryDocumentName } from "../treasury-documents.js";
import "./export-buttons.js";
import { LatestRequest } from "./latest-request.js";
import { ReportPage, reportQuery } from "./report-page.js";
import {
  sumMoney,
  type TreasuryFilters,
  treasuryApiQuery,
  treasuryFiltersFromQuery,
  treasuryFiltersToQuery,
  treasuryReportFilters,
} from "./report-query.js";

const FIGURES = ["opening", "receipts", "payments", "closing"] as const;

export class ReportsTreasury extends ReportPage {
  static override properties = { ...ReportPage.properties, filters: { state: true } };

  declare filters: TreasuryFilters;
  readonly #request = new LatestRequest<TreasuryReport>(this);
  /** Every account of the company seen so far, for the account filter's list. */
  #known = new Map<string, string>();
  #knownFor: number | undefined;

  constructor() {
    super();
    this.filters = treasuryFiltersFromQuery(currentQuery());
  }

  override willUpdate(changed: Map<string, unknown>): void {
    const companyChanged = changed.has("company") && changed.get("company") !== undefined;
    if (companyChanged && this.filters.account) this.#apply({ account: undefined });
    else if (
      (companyChanged || (changed.has("period") && changed.get("period"))) &&
      this.filters.page !== 1
    ) {
      this.#apply({ page: 1 });
    }
    if (this.company === undefined) return;
    if (this.#knownFor !== this.company) {
      this.#known = new Map();
      this.#knownFor = this.company;
    }
    for (const account of this.#request.value?.accounts ?? []) {
      this.#known.set(account.code, account.name);
    }
    const query = reportQuery(this, treasuryApiQuery(this.filters));
    void this.#request.run(JSON.stringify(query), (signal) =>
      api.get<TreasuryReport>("/api/reports/treasury", { query, signal }),
    );
  }

  #apply(change: Partial<TreasuryFilters>): void {
    const page = "page" in change ? (change.page ?? 1) : 1;
    this.filters = { ...this.filters, ...change, page };
    setQuery(treasuryFiltersToQuery(this.filters));
  }

  override render() {
    const data = this.#request.value;
    const exportFilters = reportQuery(this, treasuryReportFilters(this.filters));
    return html`${this.pageHeader(
      t("reports.treasury.title"),
      data?.period,
      html`<reports-export report="treasury" .filters=${exportFilters} .locale=${this.locale}></reports-export>`,
    )}
      ${this.#toolbar()}
      ${this.requestState(this.#request) ?? this.#content(data as TreasuryReport)}`;
  }

  #toolbar() {
    const account = this.filters.account;
    const known = [...this.#known.entries()].sort(([a], [b]) => a.localeCompare(b));
    if (account && !this.#known.has(account)) known.unshift([account, ""]);
    return html`<div class="toolbar">
      <label>
        ${t("reports.treasury.account")}
        <select
          @change=${(event: Event) =>
            this.#apply({ account: (event.target as HTMLSelectElement).value || undefined })}
        >
          <option value="" ?selected=${!account}>${t("reports.all")}</option>
          ${known.map(
            ([code, name]) =>
              html`<option value=${code} ?selected=${code === account}>
                ${name ? `${code} — ${name}` : code}
              </option>`,
          )}
        </select>
      </label>
    </div>`;
  }

  #content(data: TreasuryReport) {
    const loading = this.#request.loading;
    const cash = data.accounts.filter((account) => account.kind === "cash");
    const bank = data.accounts.filter((account) => account.kind === "bank");
    const overall = Object.fromEntries(
      FIGURES.map((figure) => [
        figure,
        sumMoney([data.totals.cash?.[figure] ?? 0, data.totals.bank?.[figure] ?? 0]),
      ]),
    ) as unknown as TreasuryFigures;
    const row = (account: TreasuryAccountView) =>
      html`<tr>
        <th scope="row">
          <button
            type="button"
            class="link"
            title=${t("reports.treasury.filterAccount", { account: account.code })}
            @click=${() => this.#apply({ account: account.code })}
          >
            ${account.code}
          </button>
        </th>
        <td>${account.name}</td>
        ${FIGURES.map((figure) => html`<td class="num">${formatMoney(account[figure])}</td>`)}
      </tr>`;
    const subtotal = (label: string, figures: TreasuryFigures | undefined, testId: string) =>
      figures
        ? html`<tr class="subtotal" data-testid=${testId}>
            <th scope="row" colspan="2">${label}</th>
            ${FIGURES.map((figure) => html`<td class="num">${formatMoney(figures[figure])}</td>`)}
          </tr>`
        : nothing;
    return html`<div class=${loading ? "loading-data" : ""} aria-busy=${loading ? "true" : "false"}>
        <p class="muted">${t("reports.amountsIn", { currency: this.currency })}.</p>
        ${
          data.accounts.length === 0
            ? html`<p class="status">${t("reports.treasury.noAccounts")}</p>`
            : html`<roa-table-scroll class="scroll">
              <table>
                <caption>${t("reports.treasury.accounts")}</caption>
                <thead>
                  <tr>
                    <th scope="col">${t("reports.treasury.account")}</th>
                    <th scope="col">${t("reports.treasury.name")}</th>
                    ${FIGURES.map((figure) => html`<th scope="col" class="num">${t(`reports.treasury.${figure}`)}</th>`)}
                  </tr>
                </thead>
                <tbody>
                  ${cash.map(row)}
                  ${cash.length ? subtotal(t("reports.treasury.totalCash"), data.totals.cash, "total-cash") : nothing}
                  ${bank.map(row)}
                  ${bank.length ? subtotal(t("reports.treasury.totalBank"), data.totals.bank, "total-bank") : nothing}
                </tbody>
                <tfoot>
                  ${subtotal(t("reports.treasury.totalAll"), overall, "total-treasury")}
                </tfoot>
              </table>
            </roa-table-scroll>`
        }
      </div>
      <section>
        <h2>${t("reports.treasury.movements")}</h2>
        <roa-data-table
          .columns=${this.#columns()}
          .rows=${data.movements.items}
          .emptyText=${t("reports.treasury.empty")}
          total=${data.movements.total}
          page=${data.movements.page}
          page-size=${data.movements.page_size}
          ?loading=${loading}
          @page-change=${(event: CustomEvent<{ page: number }>) => this.#apply({ page: event.detail.page })}
        ></roa-data-table>
      </section>`;
  }

  #columns(): Column<TreasuryMovement>[] {
    return [
      {
        key: "date",
        label: t("reports.treasury.date"),
        render: (row) => html`<span style="white-space: nowrap">${formatDate(row.date)}</span>`,
      },
      { key: "account_code", label: t("reports.treasury.account") },
      {
        key: "document",
        label: t("reports.treasury.document"),
        // Inline styles: the cells live in <roa-data-table>'s shadow root, out of
        // reach of this page's styles. Kept readable on a phone: the table scrolls
        // sideways in its box instead of squeezing each text into a column of words.
        render: (row) =>
          html`<span style="white-space: nowrap" title=${row.document_type}
            >${`${treasuryDocumentName(row.document_type, locale())} ${row.document_number}`.trim()}</span
          >`,
      },
      {
        key: "description",
        label: t("reports.treasury.description"),
        render: (row) =>
          html`<span style="display: inline-block; min-width: 16rem">${row.description}</span>`,
      },
      {
        key: "receipt",
        label: t("reports.treasury.receipt"),
        numeric: true,
        render: (row) => (row.receipt ? formatMoney(row.receipt) : ""),
      },
      {
        key: "payment",
        label: t("reports.treasury.payment"),
        numeric: true,
        render: (row) => (row.payment ? formatMoney(row.payment) : ""),
      },
    ];
  }
}

if (!customElements.get("reports-treasury")) {
  customElements.define("reports-treasury", ReportsTreasury);
}
