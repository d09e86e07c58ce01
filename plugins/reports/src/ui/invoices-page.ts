/**
 * <reports-invoices>: client or supplier invoices, filtered by status, partner and
 * issue date, sorted and paged by the server. Every filter lives in the address, so a
 * reload or a shared link opens the same list.
 */
import type { InvoiceItem, InvoiceList } from "@roa2web/reports-contract";
import {
  api,
  type Column,
  currentQuery,
  formatDate,
  formatMoney,
  formatPeriod,
  html,
  nothing,
  type SortChange,
  setQuery,
  t,
} from "@roa2web/ui-shell/api";
import "./export-buttons.js";
import { LatestRequest } from "./latest-request.js";
import { ReportPage, reportQuery } from "./report-page.js";
import {
  DEFAULT_INVOICE_FILTERS,
  INVOICE_STATUSES,
  INVOICE_TYPES,
  type InvoiceFilters,
  type InvoiceSort,
  type InvoiceStatus,
  invoiceApiQuery,
  invoiceFiltersFromQuery,
  invoiceFiltersToQuery,
  invoiceReportFilters,
  PAGE_SIZES,
  queryString,
} from "./report-query.js";

export class ReportsInvoices extends ReportPage {
  static override properties = {
    ...ReportPage.properties,
    filters: { state: true },
  };

  declare filters: InvoiceFilters;
  /** The partner filter's name, remembered from the row it was picked in. */
  #partnerName: string | undefined;
  readonly #request = new LatestRequest<InvoiceList>(this);

  constructor() {
    super();
    this.filters = invoiceFiltersFromQuery(currentQuery());
  }

  override willUpdate(changed: Map<string, unknown>): void {
    // Another company: its partners are not this one's; start from the first page.
    if (changed.has("company") && changed.get("company") !== undefined && this.filters.partner) {
      this.#apply({ partner: undefined });
    } else if (
      (changed.has("company") && changed.get("company") !== undefined) ||
      (changed.has("period") && changed.get("period"))
    ) {
      if (this.filters.page !== 1) this.#apply({ page: 1 });
    }
    if (this.company === undefined) return;
    const query = reportQuery(this, invoiceApiQuery(this.filters));
    void this.#request.run(JSON.stringify(query), (signal) =>
      api.get<InvoiceList>("/api/reports/invoices", { query, signal }),
    );
  }

  /** "Facturi clienți" or "Facturi furnizori": the heading alone says only "Facturi". */
  override pageTitle(): string {
    return t(`reports.invoices.pageTitle.${this.filters.type}`);
  }

  /** Changes filters (back to page 1 unless the page is what changes) and the address. */
  #apply(change: Partial<InvoiceFilters>): void {
    const page = "page" in change ? (change.page ?? 1) : 1;
    this.filters = { ...this.filters, ...change, page };
    if (!this.filters.partner) this.#partnerName = undefined;
    setQuery(invoiceFiltersToQuery(this.filters));
  }

  override render() {
    const data = this.#request.value;
    const filters = this.filters;
    const exportFilters = reportQuery(this, invoiceReportFilters(filters));
    return html`${this.pageHeader(
      t("reports.invoices.title"),
      data?.period,
      html`<reports-export report="invoices" .filters=${exportFilters} .locale=${this.locale}></reports-export>`,
    )}
      ${this.#toolbar(data)}
      ${this.requestState(this.#request) ?? this.#table(data as InvoiceList)}`;
  }

  #toolbar(data: InvoiceList | undefined) {
    const filters = this.filters;
    const partnerName =
      this.#partnerName ??
      data?.items.find((invoice) => invoice.partner_id === filters.partner)?.partner_name ??
      `#${filters.partner}`;
    const filtered =
      filters.status !== undefined ||
      filters.partner !== undefined ||
      filters.issuedFrom !== undefined ||
      filters.issuedTo !== undefined;
    return html`<div class="toolbar" role="group" aria-label=${t("reports.filters")}>
      <div class="segmented" role="group" aria-label=${t("reports.invoices.type")}>
        ${INVOICE_TYPES.map(
          (type) =>
            html`<button
              type="button"
              aria-pressed=${filters.type === type ? "true" : "false"}
              @click=${() => {
                if (filters.type !== type) this.#apply({ type, partner: undefined });
              }}
            >
              ${t(`reports.invoices.${type}`)}
            </button>`,
        )}
      </div>
      <label>
        ${t("reports.invoices.status")}
        <select
          @change=${(event: Event) => {
            const value = (event.target as HTMLSelectElement).value;
            this.#apply({ status: (value || undefined) as InvoiceStatus | undefined });
          }}
        >
          <option value="" ?selected=${filters.status === undefined}>${t("reports.all")}</option>
          ${INVOICE_STATUSES.map(
            (status) =>
              html`<option value=${status} ?selected=${filters.status === status}>
                ${t(`reports.invoices.status.${status}`)}
              </option>`,
          )}
        </select>
      </label>
      <label>
        ${t("reports.invoices.issuedFrom")}
        <input
          type="date"
          .value=${filters.issuedFrom ?? ""}
          max=${filters.issuedTo ?? ""}
          @change=${(event: Event) =>
            this.#apply({ issuedFrom: (event.target as HTMLInputElement).value || undefined })}
        />
      </label>
      <label>
        ${t("reports.invoices.issuedTo")}
        <input
          type="date"
          .value=${filters.issuedTo ?? ""}
          min=${filters.issuedFrom ?? ""}
          @change=${(event: Event) =>
            this.#apply({ issuedTo: (event.target as HTMLInputElement).value || undefined })}
        />
      </label>
      ${
        filters.partner !== undefined
          ? html`<span class="chip">
            ${t("reports.invoices.partnerFilter", { name: partnerName })}
            <button
              type="button"
              aria-label=${t("reports.removeFilter", { name: t("reports.invoices.partner") })}
              @click=${() => this.#apply({ partner: undefined })}
            >
              ✕
            </button>
          </span>`
          : nothing
      }
      ${
        filtered
          ? html`<button
            type="button"
            @click=${() => this.#apply({ ...DEFAULT_INVOICE_FILTERS, type: filters.type })}
          >
            ${t("reports.resetFilters")}
          </button>`
          : nothing
      }
      <span class="spacer"></span>
      <label>
        ${t("reports.pageSize")}
        <select
          @change=${(event: Event) =>
            this.#apply({ pageSize: Number((event.target as HTMLSelectElement).value) })}
        >
          ${PAGE_SIZES.map(
            (size) =>
              html`<option value=${size} ?selected=${filters.pageSize === size}>${size}</option>`,
          )}
        </select>
      </label>
    </div>`;
  }

  #table(data: InvoiceList) {
    const filters = this.filters;
    const open = filters.status === "unpaid" || filters.status === "overdue";
    const totals = data.totals;
    return html`<p class="muted">
        ${
          open
            ? t("reports.invoices.openHint", { date: formatDate(data.period.as_of) })
            : t("reports.invoices.periodHint", { period: formatPeriod(this.period) })
        }
        ${t("reports.amountsIn", { currency: this.currency })}.
      </p>
      <roa-data-table
        .columns=${this.#columns()}
        .rows=${data.items}
        .caption=${t(`reports.invoices.caption.${filters.type}`)}
        .emptyText=${t("reports.invoices.empty")}
        total=${data.total}
        page=${data.page}
        page-size=${data.page_size}
        sort=${filters.sort}
        direction=${filters.direction}
        ?loading=${this.#request.loading}
        @sort-change=${(event: CustomEvent<SortChange>) =>
          this.#apply({
            sort: event.detail.sort as InvoiceSort,
            direction: event.detail.direction,
          })}
        @page-change=${(event: CustomEvent<{ page: number }>) =>
          this.#apply({ page: event.detail.page })}
      ></roa-data-table>
      ${
        totals && data.total > 0
          ? html`<roa-table-scroll class="scroll">
            <table>
              <caption>${t("reports.invoices.totals", { count: data.total })}</caption>
              <thead>
                <tr>
                  <th scope="col" class="num">${t("reports.invoices.totalAmount")}</th>
                  <th scope="col" class="num">${t("reports.invoices.paidAmount")}</th>
                  <th scope="col" class="num">${t("reports.invoices.outstanding")}</th>
                </tr>
              </thead>
              <tbody>
                <tr data-testid="invoice-totals">
                  <td class="num">${formatMoney(totals.total_amount)}</td>
                  <td class="num">${formatMoney(totals.paid_amount)}</td>
                  <td class="num">${formatMoney(totals.outstanding)}</td>
                </tr>
              </tbody>
            </table>
          </roa-table-scroll>`
          : nothing
      }`;
  }

  #columns(): Column<InvoiceItem>[] {
    return [
      { key: "number", label: t("reports.invoices.number"), sortable: true },
      {
        key: "partner",
        label: t("reports.invoices.partner"),
        sortable: true,
        // A real link (opens in a new tab too); a plain click filters in place.
        render: (row) =>
          html`<a
            href=${`/reports/invoices${queryString(
              invoiceFiltersToQuery({ ...this.filters, partner: row.partner_id, page: 1 }),
            )}`}
            title=${t("reports.invoices.filterPartner", { name: row.partner_name })}
            @click=${(event: MouseEvent) => {
              if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
              event.preventDefault();
              this.#apply({ partner: row.partner_id });
              this.#partnerName = row.partner_name;
            }}
            >${row.partner_name}</a
          >`,
      },
      {
        key: "issue_date",
        label: t("reports.invoices.issueDate"),
        sortable: true,
        render: (row) => formatDate(row.issue_date),
      },
      {
        key: "due_date",
        label: t("reports.invoices.dueDate"),
        sortable: true,
        render: (row) => formatDate(row.due_date),
      },
      {
        key: "total",
        label: t("reports.invoices.totalAmount"),
        numeric: true,
        sortable: true,
        render: (row) => formatMoney(row.total_amount),
      },
      {
        key: "paid",
        label: t("reports.invoices.paidAmount"),
        numeric: true,
        render: (row) => formatMoney(row.paid_amount),
      },
      {
        key: "outstanding",
        label: t("reports.invoices.outstanding"),
        numeric: true,
        sortable: true,
        render: (row) => formatMoney(row.outstanding),
      },
      {
        key: "status",
        label: t("reports.invoices.state"),
        render: (row) =>
          html`${t(`reports.invoices.state.${row.status}`)}${
            row.overdue
              ? html`<br /><span class="error-text"
                  >${t("reports.invoices.daysOverdue", { count: row.days_overdue })}</span
                >`
              : nothing
          }`,
      },
    ];
  }
}

if (!customElements.get("reports-invoices")) {
  customElements.define("reports-invoices", ReportsInvoices);
}
