/**
 * <notes-app>: the panel the web shell mounts for this plugin. A plain custom element
 * with no dependency, so the example needs no UI toolchain; a larger plugin would use
 * Lit like the shell. Properties down (`token`, `company`), events up (`note-created`).
 * Text is always set with textContent, never parsed as HTML.
 */

interface NoteView {
  id: number;
  title: string;
  body: string;
  created_by: string;
  created_at: string;
}

const STYLE = `
  :host { display: block; font: inherit; color: var(--primary-text-color, inherit); }
  form { display: flex; gap: 0.5rem; margin-bottom: 1rem; }
  input { flex: 1; }
  button { background: var(--primary-color, #1565c0); color: #fff; border: 0; padding: 0.3rem 0.8rem; }
  li { margin: 0.4rem 0; }
  small { color: var(--secondary-text-color, #666); }
  .error { color: var(--error-color, #b00020); }
`;

export class NotesApp extends HTMLElement {
  static observedAttributes = ["company"];

  #token: string | undefined;
  #company: number | undefined;
  #loading: AbortController | undefined;
  readonly #root: ShadowRoot;
  readonly #status: HTMLParagraphElement;
  readonly #list: HTMLUListElement;
  readonly #title: HTMLInputElement;

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: "open" });
    const style = document.createElement("style");
    style.textContent = STYLE;
    const form = document.createElement("form");
    this.#title = document.createElement("input");
    this.#title.placeholder = "New note";
    this.#title.maxLength = 200;
    const add = document.createElement("button");
    add.textContent = "Add";
    form.append(this.#title, add);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.#create(this.#title.value);
    });
    this.#status = document.createElement("p");
    this.#list = document.createElement("ul");
    this.#root.append(style, form, this.#status, this.#list);
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

  attributeChangedCallback(_name: string, _old: string | null, value: string | null): void {
    this.company = value === null || value === "" ? undefined : Number(value);
  }

  connectedCallback(): void {
    void this.#load();
  }

  disconnectedCallback(): void {
    this.#loading?.abort();
  }

  #headers(): Record<string, string> {
    return this.#token ? { authorization: `Bearer ${this.#token}` } : {};
  }

  async #load(): Promise<void> {
    if (!this.isConnected) return;
    this.#loading?.abort();
    if (this.#company === undefined) {
      this.#show("Choose a company.", []);
      return;
    }
    const loading = new AbortController();
    this.#loading = loading;
    try {
      const response = await fetch(`/api/notes?company=${this.#company}&page_size=50`, {
        headers: this.#headers(),
        signal: loading.signal,
      });
      const body = await response.json();
      if (!response.ok) throw new Error(body?.error?.message ?? `HTTP ${response.status}`);
      const page = body as { items: NoteView[]; total: number };
      this.#show(`${page.total} note(s)`, page.items);
    } catch (error) {
      if (!loading.signal.aborted) this.#show(String((error as Error).message ?? error), [], true);
    }
  }

  async #create(title: string): Promise<void> {
    if (this.#company === undefined || title.trim() === "") return;
    const response = await fetch("/api/notes", {
      method: "POST",
      headers: { ...this.#headers(), "content-type": "application/json" },
      body: JSON.stringify({ company_id: this.#company, title }),
    });
    const body = await response.json();
    if (!response.ok) {
      this.#show(body?.error?.message ?? `HTTP ${response.status}`, [], true);
      return;
    }
    this.#title.value = "";
    this.dispatchEvent(
      new CustomEvent("note-created", { detail: body, bubbles: true, composed: true }),
    );
    await this.#load();
  }

  #show(status: string, items: NoteView[], failed = false): void {
    this.#status.textContent = status;
    this.#status.className = failed ? "error" : "";
    this.#list.replaceChildren(
      ...items.map((note) => {
        const item = document.createElement("li");
        const title = document.createElement("strong");
        title.textContent = note.title;
        const meta = document.createElement("small");
        meta.textContent = ` ${note.created_by}, ${new Date(note.created_at).toLocaleString()}`;
        const body = document.createElement("div");
        body.textContent = note.body;
        item.append(title, meta, body);
        return item;
      }),
    );
  }
}

if (!customElements.get("notes-app")) customElements.define("notes-app", NotesApp);
