/**
 * <notes-app>: the notes of the company chosen in the shell's header, one page at a
 * time (the page is kept in the address, `?page=2`), a form to add one and a button
 * to delete one. Reloads when the user picks another company.
 */
import type { Page } from "@roa2web/plugin-sdk";
import {
  api,
  type Column,
  css,
  currentQuery,
  formatDateTime,
  html,
  nothing,
  PluginElement,
  type PropertyValues,
  setQuery,
  sharedStyles,
  shellState,
  t,
  toast,
  toastError,
} from "@roa2web/ui-shell/api";
import type { NoteView } from "../note-rules.js";
import "./messages.js";
import "./notes-form.js";
import { pageFromQuery, pageInRange, pageToQuery } from "./view-rules.js";

export class NotesApp extends PluginElement {
  static override properties = {
    ...PluginElement.properties,
    listing: { state: true },
    page: { state: true },
    loading: { state: true },
    error: { state: true },
  };
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: grid;
        gap: var(--roa-space-4);
        max-width: 60rem;
      }
      h1,
      p {
        margin: 0;
      }
    `,
  ];

  /** The page on screen; undefined until the first answer. */
  declare listing: Page<NoteView> | undefined;
  declare page: number;
  declare loading: boolean;
  declare error: unknown;
  #request: AbortController | undefined;

  constructor() {
    super();
    this.page = pageFromQuery(currentQuery());
    this.loading = false;
    this.error = undefined;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#request?.abort();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!changed.has("company")) return;
    // Another company's notes start on their first page (not when the shell sets the
    // company for the first time: a shared link's ?page= counts then).
    if (changed.get("company") !== undefined) {
      this.page = 1;
      setQuery(pageToQuery(1));
    }
    this.listing = undefined;
    void this.#load();
  }

  async #load(): Promise<void> {
    this.#request?.abort();
    const company = this.company;
    if (!company) return;
    const request = new AbortController();
    this.#request = request;
    this.loading = true;
    this.error = undefined;
    try {
      const listing = await api.get<Page<NoteView>>("/api/notes", {
        query: { company, page: this.page },
        signal: request.signal,
      });
      const last = pageInRange(listing);
      if (last !== undefined) {
        this.#goTo(last);
        return;
      }
      this.listing = listing;
    } catch (error) {
      if (!request.signal.aborted) this.error = error;
    } finally {
      if (this.#request === request) this.loading = false;
    }
  }

  #goTo(page: number): void {
    this.page = page;
    setQuery(pageToQuery(page));
    void this.#load();
  }

  async #delete(note: NoteView): Promise<void> {
    if (!confirm(t("notes.confirmDelete", { title: note.title }))) return;
    try {
      await api.delete(`/api/notes/${note.id}`);
      toast(t("notes.deleted"), { kind: "success" });
    } catch (error) {
      toastError(error, { plugin: "notes" });
    }
    await this.#load();
  }

  override render() {
    const canWrite = shellState.can("notes:write");
    return html`<div>
        <h1>${t("notes.title")}</h1>
        <p class="muted">${t("notes.intro")}</p>
      </div>
      ${
        this.company
          ? html`${
              canWrite
                ? html`<notes-form
                    .company=${this.company}
                    .locale=${this.locale}
                    @note-created=${() => this.#goTo(1)}
                  ></notes-form>`
                : html`<p class="muted">${t("notes.readOnly")}</p>`
            }
            ${this.#list(canWrite)}`
          : html`<p class="muted">${t("notes.chooseCompany")}</p>`
      }`;
  }

  #list(canWrite: boolean) {
    if (this.error) {
      return html`<roa-error-card
        plugin="notes"
        retryable
        .heading=${t("notes.loadFailed")}
        .error=${this.error}
        @retry=${() => this.#load()}
      ></roa-error-card>`;
    }
    const listing = this.listing;
    return html`<roa-data-table
      .columns=${this.#columns(canWrite)}
      .rows=${listing?.items ?? []}
      .caption=${t("notes.caption", { company: shellState.currentCompany?.name ?? "" })}
      .emptyText=${t("notes.empty")}
      total=${listing?.total ?? 0}
      page=${this.page}
      page-size=${listing?.page_size ?? 1}
      ?loading=${this.loading}
      @page-change=${(event: CustomEvent<{ page: number }>) => this.#goTo(event.detail.page)}
    ></roa-data-table>`;
  }

  /** Built on each render, so the labels follow the language. */
  #columns(canWrite: boolean): Column<NoteView>[] {
    const columns: Column<NoteView>[] = [
      {
        key: "title",
        label: t("notes.columnNote"),
        render: (note) =>
          html`<strong>${note.title}</strong>${
            // Inside the table's shadow root only inline styles reach the cell.
            note.body
              ? html`<div class="muted" style="white-space: pre-line">${note.body}</div>`
              : nothing
          }`,
      },
      { key: "created_by", label: t("notes.columnAuthor") },
      {
        key: "created_at",
        label: t("notes.columnCreated"),
        render: (note) => formatDateTime(note.created_at),
      },
    ];
    if (canWrite) {
      columns.push({
        key: "actions",
        label: t("notes.columnActions"),
        render: (note) =>
          html`<button
            type="button"
            class="danger"
            aria-label=${t("notes.deleteNamed", { title: note.title })}
            @click=${() => this.#delete(note)}
          >
            ${t("notes.delete")}
          </button>`,
      });
    }
    return columns;
  }
}

if (!customElements.get("notes-app")) customElements.define("notes-app", NotesApp);
