/**
 * <reports-app>: the panel the web shell mounts for this plugin. A plain custom
 * element with no dependency and no import (so nothing lands outside dist/ui/): it
 * shows the dashboard of the `company` property for the current month (or the
 * `period` property, `YYYY-MM`), fetched with the `token` property. Text is set with
 * textContent, never parsed as HTML.
 */

interface DashboardView {
  period: { label: string; as_of: string };
  revenue: number;
  expenses: number;
  result: number;
  cash: number;
  bank: number;
  receivables: { total: number; overdue: number };
  payables: { total: number; overdue: number };
}

const STYLE = `
  :host { display: block; font: inherit; color: var(--primary-text-color, inherit); }
  dl { display: grid; grid-template-columns: max-content max-content; gap: 0.3rem 1.5rem; }
  dt { color: var(--secondary-text-color, #666); }
  dd { margin: 0; text-align: right; font-variant-numeric: tabular-nums; }
  .error { color: var(--error-color, #b00020); }
`;

const FORMAT = new Intl.NumberFormat("ro-RO", {
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});

export class ReportsApp extends HTMLElement {
  static observedAttributes = ["company", "period"];

  #token: string | undefined;
  #company: number | undefined;
  #period: string | undefined;
  #loading: AbortController | undefined;
  readonly #status: HTMLParagraphElement;
  readonly #figures: HTMLDListElement;

  constructor() {
    super();
    const root = this.attachShadow({ mode: "open" });
    const style = document.createElement("style");
    style.textContent = STYLE;
    this.#status = document.createElement("p");
    this.#figures = document.createElement("dl");
    root.append(style, this.#status, this.#figures);
  }

  /** The access token the shell signed in with. */
  get token(): string | undefined {
    return this.#token;
  }
  set token(value: string | undefined) {
    this.#token = value;
    void this.#load();
  }

  /** The company chosen in the shell's selector. */
  get company(): number | undefined {
    return this.#company;
  }
  set company(value: number | undefined) {
    this.#company = value;
    void this.#load();
  }

  /** `YYYY-MM`; the current month when unset. */
  get period(): string | undefined {
    return this.#period;
  }
  set period(value: string | undefined) {
    this.#period = value;
    void this.#load();
  }

  attributeChangedCallback(name: string, _old: string | null, value: string | null): void {
    const empty = value === null || value === "";
    if (name === "company") this.company = empty ? undefined : Number(value);
    if (name === "period") this.period = empty ? undefined : (value ?? undefined);
  }

  connectedCallback(): void {
    void this.#load();
  }

  disconnectedCallback(): void {
    this.#loading?.abort();
  }

  async #load(): Promise<void> {
    if (!this.isConnected) return;
    this.#loading?.abort();
    if (this.#company === undefined) {
      this.#show("Choose a company.");
      return;
    }
    const loading = new AbortController();
    this.#loading = loading;
    const period = this.#period ?? new Date().toISOString().slice(0, 7);
    const query = new URLSearchParams({ company: String(this.#company), period });
    try {
      const response = await fetch(`/api/reports/dashboard?${query}`, {
        headers: this.#token ? { authorization: `Bearer ${this.#token}` } : {},
        signal: loading.signal,
      });
      const body = await response.json();
      if (!response.ok) throw new Error(body?.error?.message ?? `HTTP ${response.status}`);
      const dashboard = body as DashboardView;
      this.#show(`Period ${dashboard.period.label}, as of ${dashboard.period.as_of}`, [
        ["Revenue", dashboard.revenue],
        ["Expenses", dashboard.expenses],
        ["Result", dashboard.result],
        ["Cash", dashboard.cash],
        ["Bank", dashboard.bank],
        ["Receivables", dashboard.receivables.total],
        ["  overdue", dashboard.receivables.overdue],
        ["Payables", dashboard.payables.total],
        ["  overdue", dashboard.payables.overdue],
      ]);
    } catch (error) {
      if (!loading.signal.aborted) this.#show(String((error as Error).message ?? error), [], true);
    }
  }

  #show(status: string, figures: Array<[string, number]> = [], failed = false): void {
    this.#status.textContent = status;
    this.#status.className = failed ? "error" : "";
    this.#figures.replaceChildren(
      ...figures.flatMap(([label, value]) => {
        const term = document.createElement("dt");
        term.textContent = label;
        const detail = document.createElement("dd");
        detail.textContent = FORMAT.format(value);
        return [term, detail];
      }),
    );
  }
}

if (!customElements.get("reports-app")) customElements.define("reports-app", ReportsApp);
