/**
 * <data-entry-app>: the data-entry UI. Pages by route:
 * - `` (`/data-entry`): the company's receipts,
 * - `new` and `receipts/<id>`: one receipt (form, attachments, OCR, entries,
 *   workflow, history), loaded as a separate chunk the first time it is opened.
 */
import {
  announcePageTitle,
  html,
  navigate,
  PluginElement,
  sharedStyles,
  shellState,
  t,
} from "@roa2web/ui-shell/api";
import "./messages.js";
import "./receipts-list.js";

type Page = { name: "list" } | { name: "receipt"; id: number | undefined } | { name: "unknown" };

export function pageOf(route: string): Page {
  const path = route.replace(/^\/+|\/+$/g, "");
  if (path === "") return { name: "list" };
  if (path === "new") return { name: "receipt", id: undefined };
  const match = /^receipts\/(\d+)$/.exec(path);
  if (match) return { name: "receipt", id: Number(match[1]) };
  return { name: "unknown" };
}

export class DataEntryApp extends PluginElement {
  static override properties = {
    ...PluginElement.properties,
    receiptModule: { state: true },
    moduleError: { state: true },
  };
  static override styles = [sharedStyles];
  declare receiptModule: boolean;
  declare moduleError: unknown;
  /** The company a receipt page asked the header to switch to: stay on that receipt. */
  #keepReceiptFor: number | undefined;

  constructor() {
    super();
    this.receiptModule = false;
  }

  override willUpdate(changed: Map<string, unknown>): void {
    // A stored receipt belongs to one company: another company in the header goes
    // back to that company's list.
    const page = pageOf(this.route);
    if (
      changed.has("company") &&
      changed.get("company") !== undefined &&
      page.name === "receipt" &&
      page.id !== undefined &&
      this.company !== this.#keepReceiptFor
    ) {
      navigate("/data-entry");
    }
    if (changed.has("company")) this.#keepReceiptFor = undefined;
    if (changed.has("route") && pageOf(this.route).name === "receipt" && !this.receiptModule) {
      void this.#loadReceiptModule();
    }
  }

  /** The browser tab names the page: the list, a new receipt or which receipt. */
  protected override updated(): void {
    const page = pageOf(this.route);
    announcePageTitle(
      this,
      page.name === "list"
        ? t("data-entry.list.title")
        : page.name === "unknown"
          ? t("data-entry.pageNotFound")
          : page.id === undefined
            ? t("data-entry.form.titleNew")
            : t("data-entry.form.titleEdit", { id: page.id }),
    );
  }

  async #loadReceiptModule(): Promise<void> {
    try {
      await import("./receipt-page.js");
      this.receiptModule = true;
      this.moduleError = undefined;
    } catch (error) {
      this.moduleError = error;
    }
  }

  override render() {
    const page = pageOf(this.route);
    if (page.name === "list") {
      return html`<data-entry-receipts .company=${this.company} .period=${this.period}></data-entry-receipts>`;
    }
    if (page.name === "unknown") {
      return html`<roa-error-card .heading=${t("data-entry.notFound")}></roa-error-card>
        <p><a href="/data-entry">${t("data-entry.list.title")}</a></p>`;
    }
    if (this.moduleError) {
      return html`<roa-error-card
        retryable
        .heading=${t("data-entry.moduleFailed")}
        .error=${this.moduleError}
        @retry=${() => this.#loadReceiptModule()}
      ></roa-error-card>`;
    }
    if (!this.receiptModule)
      return html`<p class="muted" role="status">${t("data-entry.loading")}</p>`;
    return html`<data-entry-receipt
      .receiptId=${page.id}
      .company=${this.company}
      @switch-company=${(event: CustomEvent<{ company: number }>) => {
        this.#keepReceiptFor = event.detail.company;
        shellState.setCompany(event.detail.company);
      }}
    ></data-entry-receipt>`;
  }
}

if (!customElements.get("data-entry-app")) customElements.define("data-entry-app", DataEntryApp);
