/**
 * <data-entry-entries>: the accounting entries of one receipt as an editable grid
 * (account, debit, credit, explanation). Live totals show whether debits equal credits;
 * saving is blocked until they do. "Propose" asks the server for the standard lines
 * (expense, deductible VAT, supplier or cash). Accounts get suggestions from the
 * nomenclature endpoint when the server has it, free text otherwise.
 *
 * Fires `entries-state` {saved, balanced, dirty} so the page knows whether the receipt
 * can be submitted.
 */
import {
  ApiError,
  api,
  css,
  FollowLocale,
  formatMoney,
  html,
  LitElement,
  live,
  locale,
  nothing,
  repeat,
  sharedStyles,
  t,
  toast,
  toastError,
} from "@roa2web/ui-shell/api";
import {
  type AccountOption,
  amountText,
  type EditableLine,
  entryTotals,
  parseAmount,
  toAccountOptions,
  toEditableLines,
  toEntryBody,
} from "./form-rules.js";
import type { EntriesBody } from "./types.js";

export interface EntriesState {
  /** Lines stored on the server and balanced (what submit checks). */
  balanced: boolean;
  /** Edits not saved yet. */
  dirty: boolean;
}

/** A comma in Romanian, a point in English. */
export function decimalSeparator(): "," | "." {
  return locale() === "ro" ? "," : ".";
}

/** Set once a server answered 404 for the nomenclature: no more lookups this session. */
let nomenclatureMissing = false;

let nextKey = 1;
type KeyedLine = EditableLine & { key: number };
const keyed = (line: EditableLine): KeyedLine => ({ ...line, key: nextKey++ });

export class DataEntryEntries extends LitElement {
  static override properties = {
    receiptId: { type: Number, attribute: "receipt-id" },
    company: { type: Number },
    currency: {},
    editable: { type: Boolean },
    missing: { attribute: false },
    lines: { state: true },
    loading: { state: true },
    error: { state: true },
    saving: { state: true },
    dirty: { state: true },
    accounts: { state: true },
  };
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
      }
      table {
        min-width: 36rem;
      }
      td input {
        width: 100%;
      }
      td.amount input {
        text-align: right;
        font-variant-numeric: tabular-nums;
      }
      td.account {
        width: 9rem;
      }
      td.amount {
        width: 8rem;
      }
      .invalid input {
        border-color: var(--roa-danger);
      }
      .balance {
        display: inline-flex;
        align-items: center;
        gap: var(--roa-space-1);
        font-weight: 600;
        padding: var(--roa-space-1) var(--roa-space-2);
        border-radius: var(--roa-radius);
        border: 1px solid currentColor;
      }
      .balance.ok {
        color: var(--roa-success);
      }
      .balance.bad {
        color: var(--roa-danger);
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: var(--roa-space-2);
        align-items: center;
        margin-top: var(--roa-space-3);
      }
      tfoot td {
        font-weight: 600;
      }
    `,
  ];

  declare receiptId: number;
  declare company: number | undefined;
  declare currency: string;
  declare editable: boolean;
  /** The receipt's fields still missing: proposing needs the total and the VAT. */
  declare missing: readonly string[];
  declare lines: KeyedLine[];
  declare loading: boolean;
  declare error: unknown;
  declare saving: boolean;
  declare dirty: boolean;
  declare accounts: AccountOption[];
  #saved: EditableLine[] = [];
  #savedBalanced = false;
  #lookupTimer: ReturnType<typeof setTimeout> | undefined;
  #lookupController: AbortController | undefined;

  constructor() {
    super();
    // Texts follow a language change (the shell sets `locale` on the root element only).
    new FollowLocale(this);
    this.receiptId = 0;
    this.currency = "RON";
    this.editable = false;
    this.missing = [];
    this.lines = [];
    this.loading = false;
    this.saving = false;
    this.dirty = false;
    this.accounts = [];
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#lookupTimer);
    this.#lookupController?.abort();
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has("receiptId") && this.receiptId) void this.load();
  }

  /** Reloads the stored lines (the page calls it after the receipt changed). */
  async load(): Promise<void> {
    this.loading = true;
    try {
      const body = await api.get<EntriesBody>(`/api/data-entry/receipts/${this.receiptId}/entries`);
      this.#apply(body);
      this.error = undefined;
    } catch (error) {
      this.error = error;
    } finally {
      this.loading = false;
    }
  }

  #apply(body: EntriesBody): void {
    this.#saved = toEditableLines(body.entries, decimalSeparator());
    this.#savedBalanced = body.balanced;
    this.lines = this.#saved.map(keyed);
    this.dirty = false;
    this.#emitState();
  }

  #emitState(): void {
    this.dispatchEvent(
      new CustomEvent<EntriesState>("entries-state", {
        detail: { balanced: this.#savedBalanced, dirty: this.dirty },
        bubbles: true,
        composed: true,
      }),
    );
  }

  #edit(index: number, change: Partial<EditableLine>): void {
    this.lines = this.lines.map((line, at) => (at === index ? { ...line, ...change } : line));
    if (!this.dirty) {
      this.dirty = true;
      this.#emitState();
    }
  }

  #addLine(): void {
    const totals = entryTotals(this.lines);
    // Suggest the difference on the side that is short.
    const gap = Math.round((totals.debit - totals.credit) * 100) / 100;
    this.lines = [
      ...this.lines,
      keyed({
        account: "",
        debit: gap < 0 ? amountText(-gap, decimalSeparator()) : "",
        credit: gap > 0 ? amountText(gap, decimalSeparator()) : "",
        explanation: "",
      }),
    ];
    this.dirty = true;
    this.#emitState();
    void this.updateComplete.then(() => {
      const inputs = this.renderRoot.querySelectorAll<HTMLInputElement>("td.account input");
      inputs[inputs.length - 1]?.focus();
    });
  }

  #removeLine(index: number): void {
    this.lines = this.lines.filter((_, at) => at !== index);
    this.dirty = true;
    this.#emitState();
  }

  #undo(): void {
    this.lines = this.#saved.map(keyed);
    this.dirty = false;
    this.#emitState();
  }

  async #propose(): Promise<void> {
    if (this.lines.length > 0 && !confirm(t("data-entry.entries.confirmPropose"))) return;
    this.saving = true;
    try {
      const body = await api.post<EntriesBody>(
        `/api/data-entry/receipts/${this.receiptId}/entries/propose`,
        {},
      );
      this.#apply(body);
      toast(t("data-entry.entries.proposed"), { kind: "success" });
      // The receipt now carries the rate (and supplier) the proposal used.
      this.dispatchEvent(new CustomEvent("entries-proposed", { bubbles: true, composed: true }));
    } catch (error) {
      toastError(error, { plugin: "data-entry" });
    } finally {
      this.saving = false;
    }
  }

  async #save(): Promise<void> {
    const totals = entryTotals(this.lines);
    if (!totals.balanced) return;
    this.saving = true;
    try {
      const body = await api.put<EntriesBody>(
        `/api/data-entry/receipts/${this.receiptId}/entries`,
        {
          entries: toEntryBody(this.lines),
        },
      );
      this.#apply(body);
      toast(t("data-entry.entries.saved"), { kind: "success" });
    } catch (error) {
      const accounts = (
        error instanceof ApiError ? (error.details as { accounts?: unknown }) : undefined
      )?.accounts;
      if (Array.isArray(accounts)) {
        toast(t("data-entry.entries.unknownAccounts", { accounts: accounts.join(", ") }), {
          kind: "error",
        });
      } else {
        toastError(error, { plugin: "data-entry" });
      }
    } finally {
      this.saving = false;
    }
  }

  get #cannotPropose(): boolean {
    return this.missing.includes("total") || this.missing.includes("vat");
  }

  #lookupAccounts(text: string): void {
    if (nomenclatureMissing || !this.company) return;
    clearTimeout(this.#lookupTimer);
    this.#lookupTimer = setTimeout(async () => {
      this.#lookupController?.abort();
      const controller = new AbortController();
      this.#lookupController = controller;
      try {
        const page = await api.get<{ items: Array<{ code: string; name: string }> }>(
          "/api/data-entry/nomenclature/accounts",
          {
            query: { company: this.company, q: text.trim(), page_size: 50 },
            signal: controller.signal,
          },
        );
        this.accounts = toAccountOptions(page);
      } catch (error) {
        // A server without the nomenclature endpoint: accounts are typed freely.
        if (error instanceof ApiError && error.status === 404) nomenclatureMissing = true;
      }
    }, 250);
  }

  override render() {
    if (this.error) {
      return html`<roa-error-card
        plugin="data-entry"
        retryable
        .heading=${t("data-entry.entries.loadFailed")}
        .error=${this.error}
        @retry=${() => this.load()}
      ></roa-error-card>`;
    }
    const totals = entryTotals(this.lines);
    const difference = Math.round((totals.debit - totals.credit) * 100) / 100;
    const disabled = !this.editable || this.saving;
    return html`<roa-table-scroll>
        <table aria-busy=${this.loading ? "true" : "false"}>
          <caption class="visually-hidden">${t("data-entry.entries.title")}</caption>
          <thead>
            <tr>
              <th scope="col">${t("data-entry.entries.account")}</th>
              <th scope="col" class="num">${t("data-entry.entries.debit")}</th>
              <th scope="col" class="num">${t("data-entry.entries.credit")}</th>
              <th scope="col">${t("data-entry.entries.explanation")}</th>
              ${this.editable ? html`<th scope="col"><span class="visually-hidden">${t("data-entry.entries.actions")}</span></th>` : nothing}
            </tr>
          </thead>
          <tbody>
            ${
              this.lines.length === 0
                ? html`<tr><td colspan="5" class="muted">${this.loading ? t("data-entry.loading") : t("data-entry.entries.empty")}</td></tr>`
                : repeat(
                    this.lines,
                    (line) => line.key,
                    (line, index) =>
                      this.#row(line, index, totals.invalid.includes(index), disabled),
                  )
            }
          </tbody>
          <tfoot>
            <tr>
              <td>${t("data-entry.entries.totals")}</td>
              <td class="num" data-testid="debit-total">${formatMoney(totals.debit)}</td>
              <td class="num" data-testid="credit-total">${formatMoney(totals.credit)}</td>
              <td colspan=${this.editable ? 2 : 1}></td>
            </tr>
          </tfoot>
        </table>
      </roa-table-scroll>
      ${
        this.currency !== "RON"
          ? html`<p class="muted" data-testid="entries-in-lei">${t("data-entry.entries.inLei")}</p>`
          : nothing
      }
      <datalist id="accounts">
        ${this.accounts.map((option) => html`<option value=${option.code}>${option.name}</option>`)}
      </datalist>
      <div class="actions">
        <span class="balance ${totals.balanced ? "ok" : "bad"}" role="status" aria-live="polite">
          ${
            totals.balanced
              ? `✓ ${t("data-entry.entries.balanced")}`
              : this.lines.length === 0
                ? `✗ ${t("data-entry.entries.noLines")}`
                : totals.invalid.length > 0
                  ? `✗ ${t("data-entry.entries.invalidLines", { count: totals.invalid.length })}`
                  : `✗ ${t("data-entry.entries.unbalanced", { difference: formatMoney(Math.abs(difference), "RON") })}`
          }
        </span>
        ${
          this.editable
            ? html`<button type="button" @click=${this.#addLine} ?disabled=${disabled}>
                  + ${t("data-entry.entries.addLine")}
                </button>
                <button
                  type="button"
                  @click=${this.#propose}
                  ?disabled=${disabled || this.#cannotPropose}
                  title=${this.#cannotPropose ? t("data-entry.entries.proposeNeedsAmounts") : ""}
                >
                  ${t("data-entry.entries.propose")}
                </button>
                ${
                  this.dirty
                    ? html`<button type="button" @click=${this.#undo} ?disabled=${this.saving}>
                        ${t("data-entry.entries.undo")}
                      </button>`
                    : nothing
                }
                <button
                  type="button"
                  class="primary"
                  @click=${this.#save}
                  ?disabled=${disabled || !this.dirty || !totals.balanced}
                  title=${totals.balanced ? "" : t("data-entry.entries.saveBlocked")}
                >
                  ${t("data-entry.entries.save")}
                </button>`
            : nothing
        }
      </div>`;
  }

  /** A frozen (submitted, approved) line: text in the totals' number format, no input boxes. */
  #readOnlyRow(line: EditableLine) {
    const amount = (text: string) => (text.trim() === "" ? "" : formatMoney(parseAmount(text)));
    return html`<tr class="read-only">
      <td class="account">${line.account}</td>
      <td class="num">${amount(line.debit)}</td>
      <td class="num">${amount(line.credit)}</td>
      <td>${line.explanation}</td>
    </tr>`;
  }

  #row(line: KeyedLine, index: number, invalid: boolean, disabled: boolean) {
    if (!this.editable) return this.#readOnlyRow(line);
    const n = index + 1;
    return html`<tr class=${invalid && this.editable ? "invalid" : ""}>
      <td class="account">
        <input
          list="accounts"
          autocomplete="off"
          aria-label=${t("data-entry.entries.accountOfLine", { n })}
          .value=${live(line.account)}
          ?disabled=${disabled}
          aria-invalid=${invalid && this.editable ? "true" : "false"}
          @focus=${(event: Event) => this.#lookupAccounts((event.target as HTMLInputElement).value)}
          @input=${(event: Event) => {
            const value = (event.target as HTMLInputElement).value;
            this.#edit(index, { account: value });
            this.#lookupAccounts(value);
          }}
        />
      </td>
      <td class="amount">
        <input
          inputmode="decimal"
          aria-label=${t("data-entry.entries.debitOfLine", { n })}
          .value=${live(line.debit)}
          ?disabled=${disabled}
          @input=${(event: Event) => this.#edit(index, { debit: (event.target as HTMLInputElement).value })}
        />
      </td>
      <td class="amount">
        <input
          inputmode="decimal"
          aria-label=${t("data-entry.entries.creditOfLine", { n })}
          .value=${live(line.credit)}
          ?disabled=${disabled}
          @input=${(event: Event) => this.#edit(index, { credit: (event.target as HTMLInputElement).value })}
        />
      </td>
      <td>
        <input
          aria-label=${t("data-entry.entries.explanationOfLine", { n })}
          maxlength="300"
          .value=${live(line.explanation)}
          ?disabled=${disabled}
          @input=${(event: Event) =>
            this.#edit(index, { explanation: (event.target as HTMLInputElement).value })}
        />
      </td>
      ${
        this.editable
          ? html`<td>
              <button
                type="button"
                class="danger"
                aria-label=${t("data-entry.entries.removeLine", { n })}
                ?disabled=${disabled}
                @click=${() => this.#removeLine(index)}
              >
                ✕
              </button>
            </td>`
          : nothing
      }
    </tr>`;
  }
}

if (!customElements.get("data-entry-entries")) {
  customElements.define("data-entry-entries", DataEntryEntries);
}
