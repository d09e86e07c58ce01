/**
 * <data-entry-receipts>: the company's receipts, newest first, of the header's period
 * (or of all periods), filtered by status and date range, a page at a time. The
 * filters and the page live in the address bar so a reload or a shared link opens the
 * same view.
 */
import {
  api,
  type Column,
  css,
  currentQuery,
  FollowLocale,
  formatDate,
  formatMoney,
  formatPeriod,
  html,
  LitElement,
  nothing,
  setQuery,
  sharedStyles,
  shellState,
  t,
} from "@roa2web/ui-shell/api";
import { filterFromQuery, filterToQuery, type ListFilter } from "./form-rules.js";
import { statusBadge, statusLabel } from "./status-badge.js";
import { RECEIPT_STATUSES, type Receipt, type ReceiptPage, type ReceiptStatus } from "./types.js";

export class DataEntryReceipts extends LitElement {
  static override properties = {
    company: { type: Number },
    period: {},
    allPeriods: { state: true },
    filter: { state: true },
    data: { state: true },
    loading: { state: true },
    error: { state: true },
  };
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: grid;
        gap: var(--roa-space-3);
      }
      header {
        display: flex;
        flex-wrap: wrap;
        gap: var(--roa-space-2);
        justify-content: space-between;
        align-items: center;
      }
      header h1 {
        margin: 0;
      }
      a.button.primary {
        background: var(--roa-primary);
        border-color: var(--roa-primary);
        color: var(--roa-on-primary);
      }
      .toolbar {
        margin: 0;
      }
      .period {
        display: flex;
        flex-wrap: wrap;
        gap: var(--roa-space-2);
        align-items: center;
        margin: 0;
      }
    `,
  ];

  declare company: number | undefined;
  /** The header's period, `YYYY-MM`: the list shows that month unless `allPeriods`. */
  declare period: string | undefined;
  /** "All periods" chosen (kept in the address bar as `periods=all`). */
  declare allPeriods: boolean;
  declare filter: ListFilter;
  declare data: ReceiptPage | undefined;
  declare loading: boolean;
  declare error: unknown;
  #controller: AbortController | undefined;

  constructor() {
    super();
    // Texts follow a language change (the shell sets `locale` on the root element only).
    new FollowLocale(this);
    this.filter = filterFromQuery(currentQuery());
    this.allPeriods = currentQuery().get("periods") === "all";
    this.loading = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener("popstate", this.#onPopState);
    this.filter = filterFromQuery(currentQuery());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener("popstate", this.#onPopState);
    this.#controller?.abort();
  }

  /** Back and forward between filtered views of the list: follow the address. */
  #onPopState = (): void => {
    if (location.pathname.replace(/\/+$/, "") !== "/data-entry") return;
    const next = filterFromQuery(currentQuery());
    const allPeriods = currentQuery().get("periods") === "all";
    if (JSON.stringify(next) === JSON.stringify(this.filter) && allPeriods === this.allPeriods)
      return;
    this.filter = next;
    this.allPeriods = allPeriods;
    void this.#load();
  };

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has("company") || changed.has("period")) {
      // Another company or period: its first page (the filters stay).
      if (changed.get("company") !== undefined || changed.get("period") !== undefined) {
        this.filter = { ...this.filter, page: 1 };
      }
      void this.#load();
    }
  }

  #update(next: Partial<ListFilter>): void {
    this.filter = { ...this.filter, page: 1, ...next };
    this.#writeQuery();
    void this.#load();
  }

  #writeQuery(): void {
    setQuery({ ...filterToQuery(this.filter), periods: this.allPeriods ? "all" : undefined });
  }

  #showAllPeriods(all: boolean): void {
    this.allPeriods = all;
    this.#update({});
  }

  async #load(): Promise<void> {
    if (!this.company) return;
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    this.loading = true;
    try {
      this.data = await api.get<ReceiptPage>("/api/data-entry/receipts", {
        query: {
          company: this.company,
          period: this.allPeriods ? undefined : this.period || undefined,
          ...filterToQuery(this.filter),
        },
        signal: controller.signal,
      });
      this.error = undefined;
    } catch (error) {
      if ((error as Error).name === "AbortError") return;
      this.error = error;
    } finally {
      if (this.#controller === controller) this.loading = false;
    }
  }

  #columns(): Column<Receipt>[] {
    return [
      { key: "date", label: t("data-entry.field.date"), render: (row) => formatDate(row.date) },
      {
        key: "merchant",
        label: t("data-entry.field.merchant"),
        render: (row) =>
          html`<a href="/data-entry/receipts/${row.id}">${row.merchant ?? t("data-entry.list.fromPhoto")}</a>`,
      },
      { key: "tax_id", label: t("data-entry.field.taxId") },
      {
        key: "total",
        label: t("data-entry.field.total"),
        numeric: true,
        render: (row) => formatMoney(row.total, row.currency ?? undefined),
      },
      {
        key: "vat",
        label: t("data-entry.field.vat"),
        numeric: true,
        render: (row) => formatMoney(row.vat, row.currency ?? undefined),
      },
      {
        key: "status",
        label: t("data-entry.field.status"),
        render: (row) => statusBadge(row.status),
      },
    ];
  }

  /** Which period the list shows, and the way to the other view. */
  #periodLine() {
    if (!this.period) return nothing;
    const month = formatPeriod(this.period);
    return html`<p class="period" data-testid="list-period">
      <strong>${this.allPeriods ? t("data-entry.list.showingAll") : t("data-entry.list.period", { period: month })}</strong>
      <button type="button" @click=${() => this.#showAllPeriods(!this.allPeriods)}>
        ${this.allPeriods ? t("data-entry.list.onlyPeriod", { period: month }) : t("data-entry.list.allPeriods")}
      </button>
    </p>`;
  }

  override render() {
    const filter = this.filter;
    const canWrite = shellState.can("data-entry:write");
    const filtered = filter.status !== "" || filter.date_from !== "" || filter.date_to !== "";
    return html`<header>
        <h1>${t("data-entry.list.title")}</h1>
        ${canWrite ? html`<a class="button primary" href="/data-entry/new">${t("data-entry.list.new")}</a>` : nothing}
      </header>
      ${this.#periodLine()}
      <form class="toolbar" role="search" aria-label=${t("data-entry.list.filters")} @submit=${(event: Event) => event.preventDefault()}>
        <label>
          ${t("data-entry.field.status")}
          <select
            .value=${filter.status}
            @change=${(event: Event) =>
              this.#update({
                status: (event.target as HTMLSelectElement).value as ReceiptStatus | "",
              })}
          >
            <option value="" ?selected=${filter.status === ""}>${t("data-entry.list.allStatuses")}</option>
            ${RECEIPT_STATUSES.map(
              (status) =>
                html`<option value=${status} ?selected=${filter.status === status}>${statusLabel(status)}</option>`,
            )}
          </select>
        </label>
        <label>
          ${t("data-entry.list.dateFrom")}
          <input
            type="date"
            .value=${filter.date_from}
            max=${filter.date_to || ""}
            @change=${(event: Event) => this.#update({ date_from: (event.target as HTMLInputElement).value })}
          />
        </label>
        <label>
          ${t("data-entry.list.dateTo")}
          <input
            type="date"
            .value=${filter.date_to}
            min=${filter.date_from || ""}
            @change=${(event: Event) => this.#update({ date_to: (event.target as HTMLInputElement).value })}
          />
        </label>
        ${
          filtered
            ? html`<button type="button" @click=${() => this.#update({ status: "", date_from: "", date_to: "" })}>
                ${t("data-entry.list.clearFilters")}
              </button>`
            : nothing
        }
      </form>
      ${
        this.error
          ? html`<roa-error-card
              plugin="data-entry"
              retryable
              .heading=${t("data-entry.list.loadFailed")}
              .error=${this.error}
              @retry=${() => this.#load()}
            ></roa-error-card>`
          : html`<roa-data-table
              cards
              .columns=${this.#columns()}
              .rows=${this.data?.items ?? []}
              total=${this.data?.total ?? 0}
              page=${this.data?.page ?? filter.page}
              page-size=${this.data?.page_size ?? 20}
              ?loading=${this.loading}
              caption=${t("data-entry.list.caption")}
              empty-text=${
                filtered
                  ? t("data-entry.list.emptyFiltered")
                  : this.period && !this.allPeriods
                    ? t("data-entry.list.emptyPeriod", { period: formatPeriod(this.period) })
                    : t("data-entry.list.empty")
              }
              @page-change=${(event: CustomEvent<{ page: number }>) => {
                this.filter = { ...this.filter, page: event.detail.page };
                this.#writeQuery();
                void this.#load();
              }}
            ></roa-data-table>`
      }`;
  }
}

if (!customElements.get("data-entry-receipts")) {
  customElements.define("data-entry-receipts", DataEntryReceipts);
}
