/**
 * <roa-data-table>: the table every report and list uses. Sortable columns (buttons in
 * the headers, aria-sort), server-side paging, loading and empty states, horizontal
 * scrolling inside its own box on narrow screens (first column kept in view, a cue
 * while columns are hidden: <roa-table-scroll>), an optional totals row. It only displays: it fires
 * `sort-change` and `page-change` and the owner fetches.
 */
import {
  adoptStyles,
  type CSSResultGroup,
  css,
  html,
  LitElement,
  nothing,
  type PropertyValues,
  type TemplateResult,
} from "lit";
import { t } from "../core/i18n.js";
import { sharedStyles } from "../core/styles.js";
import "./roa-table-scroll.js";

export interface Column<Row = Record<string, unknown>> {
  key: string;
  label: string;
  /** Right-aligned tabular numbers. */
  numeric?: boolean;
  sortable?: boolean;
  /** Text or a template for the cell; the raw value otherwise. */
  render?: (row: Row) => unknown;
}

export interface SortChange {
  sort: string;
  direction: "asc" | "desc";
}

export class RoaDataTable extends LitElement {
  static override properties = {
    columns: { attribute: false },
    rows: { attribute: false },
    total: { type: Number },
    page: { type: Number },
    pageSize: { type: Number, attribute: "page-size" },
    sort: {},
    direction: {},
    loading: { type: Boolean },
    caption: {},
    emptyText: { attribute: "empty-text" },
    rowKey: { attribute: false },
    totals: { attribute: false },
    cellStyles: { attribute: false },
    cards: { type: Boolean, reflect: true },
  };
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
      }
      .scroll {
        overflow: clip;
        border: 1px solid var(--roa-border);
        border-radius: var(--roa-radius-lg);
        background: var(--roa-surface);
      }
      table {
        min-width: 100%;
      }
      caption {
        text-align: left;
        padding: var(--roa-space-2);
        font-weight: 600;
      }
      /* The caption is as wide as the table: its text stays in view as it scrolls. */
      caption > span {
        position: sticky;
        left: var(--roa-space-2);
      }
      th button {
        min-height: auto;
        padding: 0;
        border: none;
        background: none;
        font-weight: 600;
        color: inherit;
      }
      tbody tr:hover,
      tbody tr:hover > :first-child {
        background: var(--roa-surface-hover);
      }
      tfoot td {
        font-weight: 600;
      }
      .state {
        padding: var(--roa-space-4);
        text-align: center;
        color: var(--roa-text-muted);
      }
      .pager {
        display: flex;
        gap: var(--roa-space-2);
        align-items: center;
        justify-content: flex-end;
        flex-wrap: wrap;
        margin-top: var(--roa-space-2);
      }
      :host([loading]) tbody {
        opacity: 0.5;
      }
      /* cards: on a phone each row is a card of "label  value" lines, for lists read
         a row at a time (the roles keep it a table for screen readers). */
      @media (max-width: 40rem) {
        :host([cards]) thead {
          position: absolute;
          width: 1px;
          height: 1px;
          overflow: hidden;
          clip: rect(0 0 0 0);
        }
        :host([cards]) table,
        :host([cards]) tbody,
        :host([cards]) tfoot,
        :host([cards]) tr {
          display: block;
        }
        :host([cards]) tbody tr,
        :host([cards]) tfoot tr {
          padding: var(--roa-space-2) var(--roa-space-3);
          border-bottom: 1px solid var(--roa-border);
        }
        :host([cards]) td {
          display: flex;
          justify-content: space-between;
          align-items: baseline;
          gap: var(--roa-space-3);
          padding: var(--roa-space-1) 0;
          border: none;
          text-align: right;
          position: static;
          min-width: 0;
          overflow-wrap: anywhere;
        }
        :host([cards]) td::before {
          content: attr(data-label);
          flex: none;
          text-align: left;
          color: var(--roa-text-muted);
          font-size: 0.85rem;
        }
        :host([cards]) caption {
          display: block;
        }
        :host([cards]) caption > span {
          position: static;
        }
        :host([cards]) td.state {
          justify-content: center;
        }
        :host([cards]) td.state::before {
          content: none;
        }
      }
    `,
  ];

  declare columns: Column<never>[];
  declare rows: readonly unknown[];
  declare total: number;
  declare page: number;
  declare pageSize: number;
  declare sort: string;
  declare direction: "asc" | "desc";
  declare loading: boolean;
  declare caption: string;
  declare emptyText: string;
  declare rowKey: ((row: never) => string | number) | undefined;
  /** A totals row under the body, rendered with the same columns (`render` included). */
  declare totals: Record<string, unknown> | undefined;
  /**
   * Extra CSS for what the owner's `render` functions put in cells (they render in
   * this table's shadow root, where the owner's own styles do not reach).
   */
  declare cellStyles: CSSResultGroup | undefined;
  /** On a phone (below 40rem) rows become cards instead of a table scrolling sideways. */
  declare cards: boolean;

  constructor() {
    super();
    this.columns = [];
    this.rows = [];
    this.total = 0;
    this.page = 1;
    this.pageSize = 50;
    this.sort = "";
    this.direction = "asc";
    this.loading = false;
    this.caption = "";
    this.emptyText = "";
    this.cards = false;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has("cellStyles") && this.renderRoot instanceof ShadowRoot) {
      const own = (this.constructor as typeof RoaDataTable).elementStyles;
      const extra = this.cellStyles ? [this.cellStyles].flat(Infinity as 1) : [];
      adoptStyles(this.renderRoot, [...own, ...(extra as typeof own)]);
    }
  }

  get pages(): number {
    return Math.max(1, Math.ceil(this.total / Math.max(1, this.pageSize)));
  }

  override render() {
    const columns = this.columns as Column<Record<string, unknown>>[];
    const rows = this.rows as Record<string, unknown>[];
    return html`<roa-table-scroll class="scroll">
        <table role="table" aria-busy=${this.loading ? "true" : "false"}>
          ${this.caption ? html`<caption><span>${this.caption}</span></caption>` : nothing}
          <thead role="rowgroup">
            <tr role="row">
              ${columns.map((column) => this.#header(column))}
            </tr>
          </thead>
          <tbody role="rowgroup">
            ${
              rows.length === 0
                ? html`<tr role="row">
                  <td class="state" role="cell" colspan=${columns.length}>
                    ${this.loading ? t("table.loading") : this.emptyText || t("table.empty")}
                  </td>
                </tr>`
                : rows.map(
                    (row) =>
                      html`<tr role="row">
                        ${columns.map(
                          (column) =>
                            html`<td class=${column.numeric ? "num" : ""} role="cell" data-label=${column.label}>
                              ${column.render ? column.render(row) : (row[column.key] ?? "")}
                            </td>`,
                        )}
                      </tr>`,
                  )
            }
          </tbody>
          ${
            this.totals && rows.length > 0
              ? html`<tfoot role="rowgroup">
                <tr role="row">
                  ${columns.map((column) => {
                    const totals = this.totals as Record<string, unknown>;
                    const value = column.render
                      ? column.render(totals)
                      : (totals[column.key] ?? "");
                    return html`<td class=${column.numeric ? "num" : ""} role="cell" data-label=${column.label}>${value}</td>`;
                  })}
                </tr>
              </tfoot>`
              : nothing
          }
        </table>
      </roa-table-scroll>
      ${this.total > 0 ? this.#pager() : nothing}`;
  }

  #header(column: Column<Record<string, unknown>>): TemplateResult {
    const active = this.sort === column.key;
    const ariaSort = active ? (this.direction === "asc" ? "ascending" : "descending") : "none";
    if (!column.sortable) {
      return html`<th scope="col" role="columnheader" class=${column.numeric ? "num" : ""}>${column.label}</th>`;
    }
    return html`<th scope="col" role="columnheader" class=${column.numeric ? "num" : ""} aria-sort=${ariaSort}>
      <button
        type="button"
        title=${t("table.sortBy", { column: column.label })}
        @click=${() => this.#sortBy(column.key)}
      >
        ${column.label}${active ? (this.direction === "asc" ? " ▲" : " ▼") : ""}
      </button>
    </th>`;
  }

  #pager(): TemplateResult {
    return html`<nav class="pager" aria-label=${t("table.page", { page: this.page, pages: this.pages })}>
      <span class="muted">${t("table.total", { count: this.total })}</span>
      <button
        type="button"
        aria-label=${t("table.previous")}
        ?disabled=${this.page <= 1 || this.loading}
        @click=${() => this.#goTo(this.page - 1)}
      >
        ‹
      </button>
      <span>${t("table.page", { page: this.page, pages: this.pages })}</span>
      <button
        type="button"
        aria-label=${t("table.next")}
        ?disabled=${this.page >= this.pages || this.loading}
        @click=${() => this.#goTo(this.page + 1)}
      >
        ›
      </button>
    </nav>`;
  }

  #sortBy(key: string) {
    const direction: "asc" | "desc" =
      this.sort === key && this.direction === "asc" ? "desc" : "asc";
    this.dispatchEvent(
      new CustomEvent<SortChange>("sort-change", {
        detail: { sort: key, direction },
        bubbles: true,
        composed: true,
      }),
    );
  }

  #goTo(page: number) {
    this.dispatchEvent(
      new CustomEvent<{ page: number }>("page-change", {
        detail: { page },
        bubbles: true,
        composed: true,
      }),
    );
  }
}
customElements.define("roa-data-table", RoaDataTable);
