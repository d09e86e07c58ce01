/**
 * <data-entry-app>: the panel the web shell mounts for this plugin. A minimal plain
 * custom element for now (no dependency, nothing shared with the server code, so its
 * build stays inside dist/ui/): it lists the company's receipts with their status.
 * Properties down (`token`, `company`); text is always set with textContent.
 */

interface ReceiptRow {
  id: number;
  date: string | null;
  merchant: string | null;
  total: number | null;
  currency: string | null;
  status: string;
  ocr_status: string | null;
}

const STYLE = `
  :host { display: block; font: inherit; color: var(--primary-text-color, inherit); }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 0.3rem 0.6rem; border-bottom: 1px solid var(--divider-color, #ddd); }
  td.amount { text-align: right; font-variant-numeric: tabular-nums; }
  .error { color: var(--error-color, #b00020); }
`;

export class DataEntryApp extends HTMLElement {
  static observedAttributes = ["company"];

  #token: string | undefined;
  #company: number | undefined;
  #loading: AbortController | undefined;
  readonly #status: HTMLParagraphElement;
  readonly #body: HTMLTableSectionElement;

  constructor() {
    super();
    const root = this.attachShadow({ mode: "open" });
    const style = document.createElement("style");
    style.textContent = STYLE;
    this.#status = document.createElement("p");
    const table = document.createElement("table");
    const head = table.createTHead().insertRow();
    for (const title of ["Date", "Merchant", "Total", "Status"]) {
      const cell = document.createElement("th");
      cell.textContent = title;
      head.append(cell);
    }
    this.#body = table.createTBody();
    root.append(style, this.#status, table);
  }

  set token(value: string | undefined) {
    this.#token = value;
    void this.#load();
  }

  get token(): string | undefined {
    return this.#token;
  }

  set company(value: number | undefined) {
    this.#company = value;
    void this.#load();
  }

  get company(): number | undefined {
    return this.#company;
  }

  attributeChangedCallback(name: string, _old: string | null, value: string | null): void {
    if (name === "company") this.company = value === null ? undefined : Number(value);
  }

  connectedCallback(): void {
    void this.#load();
  }

  disconnectedCallback(): void {
    this.#loading?.abort();
  }

  async #load(): Promise<void> {
    if (!this.isConnected || !this.#token || !this.#company) return;
    this.#loading?.abort();
    const loading = new AbortController();
    this.#loading = loading;
    this.#status.className = "";
    this.#status.textContent = "Loading…";
    try {
      const response = await fetch(`/api/data-entry/receipts?company=${this.#company}`, {
        headers: { authorization: `Bearer ${this.#token}` },
        signal: loading.signal,
      });
      if (!response.ok) throw new Error(`The receipts could not be loaded (${response.status})`);
      const page = (await response.json()) as { items: ReceiptRow[]; total: number };
      this.#body.replaceChildren(
        ...page.items.map((receipt) => {
          const row = document.createElement("tr");
          const cells = [
            // A receipt created from a photo has no date, merchant or total until OCR or typing.
            receipt.date ?? "",
            receipt.merchant ?? (receipt.ocr_status === "pending" ? "reading…" : ""),
            receipt.total === null ? "" : `${receipt.total.toFixed(2)} ${receipt.currency ?? ""}`,
            receipt.status,
          ];
          cells.forEach((text, index) => {
            const cell = row.insertCell();
            cell.textContent = text;
            if (index === 2) cell.className = "amount";
          });
          return row;
        }),
      );
      this.#status.textContent = `${page.total} receipts`;
    } catch (error) {
      if (loading.signal.aborted) return;
      this.#status.className = "error";
      this.#status.textContent = error instanceof Error ? error.message : String(error);
    }
  }
}

if (!customElements.get("data-entry-app")) customElements.define("data-entry-app", DataEntryApp);
