/**
 * <notes-form>: writes a new note for a company. The server decides what is valid:
 * its refusal is shown in the user's language under the field it names (or above the
 * button when it names none), with the server's message and the request id below.
 * A saved note bubbles up as `note-created` with the note as detail.
 */
import {
  api,
  css,
  describeError,
  describeFieldError,
  type ErrorDescription,
  errorDetailLine,
  html,
  LitElement,
  live,
  nothing,
  sharedStyles,
  t,
  toast,
} from "@roa2web/ui-shell/api";
import { BODY_MAX_LENGTH, TITLE_MAX_LENGTH } from "../note-limits.js";
import type { NoteView } from "../note-rules.js";

/** The form fields a validation error can point at. */
const FIELDS = ["title", "body"] as const;
type NoteField = (typeof FIELDS)[number];

/** What went wrong with the last attempt: per field, or for the whole form. */
type Problems = Partial<Record<NoteField | "form", ErrorDescription>>;

/** The refusal in the user's words, then the server's message and request id, smaller. */
function problemText(problem: ErrorDescription) {
  const detail = errorDetailLine(problem);
  return html`${problem.headline}${detail ? html` <small class="detail">${detail}</small>` : nothing}`;
}

export class NotesForm extends LitElement {
  static override properties = {
    company: { type: Number },
    // Only the root element gets the shell's `locale`; passed down, it re-renders the
    // labels here when the user changes the language.
    locale: {},
    noteTitle: { state: true },
    noteBody: { state: true },
    saving: { state: true },
    problems: { state: true },
  };
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
      }
      form {
        display: grid;
        gap: var(--roa-space-3);
      }
      h2 {
        margin: 0;
      }
      input,
      textarea {
        width: 100%;
      }
      textarea {
        min-height: 5rem;
        resize: vertical;
      }
      textarea[aria-invalid="true"] {
        border-color: var(--roa-danger);
      }
      .error-text {
        margin: 0;
        font-size: 0.9rem;
      }
      .error-text .detail {
        display: block;
        color: var(--roa-text-muted);
        overflow-wrap: anywhere;
      }
      .actions {
        display: flex;
        gap: var(--roa-space-2);
        align-items: center;
        flex-wrap: wrap;
      }
    `,
  ];

  declare company: number | undefined;
  declare locale: string;
  declare noteTitle: string;
  declare noteBody: string;
  declare saving: boolean;
  declare problems: Problems;

  constructor() {
    super();
    this.locale = "ro";
    this.noteTitle = "";
    this.noteBody = "";
    this.saving = false;
    this.problems = {};
  }

  override render() {
    const { problems } = this;
    return html`<form class="card" @submit=${this.#submit} aria-labelledby="heading">
      <h2 id="heading">${t("notes.newNote")}</h2>
      <label>
        ${t("notes.titleLabel")}
        <input
          name="title"
          required
          maxlength=${TITLE_MAX_LENGTH}
          autocomplete="off"
          aria-invalid=${problems.title ? "true" : "false"}
          aria-describedby=${problems.title ? "title-problem" : nothing}
          .value=${live(this.noteTitle)}
          @input=${(event: Event) => {
            this.noteTitle = (event.target as HTMLInputElement).value;
          }}
        />
      </label>
      ${problems.title ? html`<p id="title-problem" class="error-text">${problemText(problems.title)}</p>` : nothing}
      <label>
        ${t("notes.bodyLabel")}
        <textarea
          name="body"
          maxlength=${BODY_MAX_LENGTH}
          aria-invalid=${problems.body ? "true" : "false"}
          aria-describedby=${problems.body ? "body-problem" : nothing}
          .value=${live(this.noteBody)}
          @input=${(event: Event) => {
            this.noteBody = (event.target as HTMLTextAreaElement).value;
          }}
        ></textarea>
      </label>
      ${problems.body ? html`<p id="body-problem" class="error-text">${problemText(problems.body)}</p>` : nothing}
      ${
        problems.form
          ? html`<p class="error-text" role="alert">${t("notes.saveFailed")} ${problemText(problems.form)}</p>`
          : nothing
      }
      <div class="actions">
        <button type="submit" class="primary" ?disabled=${this.saving || !this.company}>
          ${this.saving ? t("notes.saving") : t("notes.add")}
        </button>
      </div>
    </form>`;
  }

  async #submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    if (!this.company || this.saving) return;
    this.saving = true;
    this.problems = {};
    try {
      const note = await api.post<NoteView>("/api/notes", {
        company_id: this.company,
        title: this.noteTitle,
        body: this.noteBody,
      });
      this.noteTitle = "";
      this.noteBody = "";
      toast(t("notes.added"), { kind: "success" });
      this.dispatchEvent(
        new CustomEvent<NoteView>("note-created", { detail: note, bubbles: true, composed: true }),
      );
    } catch (error) {
      // Next to the field it names, else above the button: the shell words the
      // refusal in the user's language and keeps the server's rule for the detail line.
      const options = { plugin: "notes" };
      const onField = describeFieldError(error, FIELDS, undefined, options);
      this.problems = onField
        ? { [onField.field]: onField }
        : { form: describeError(error, undefined, options) };
      if (onField) {
        // Take the keyboard to the field to correct.
        await this.updateComplete;
        this.renderRoot.querySelector<HTMLElement>(`[name=${onField.field}]`)?.focus();
      }
    } finally {
      this.saving = false;
    }
  }
}

if (!customElements.get("notes-form")) customElements.define("notes-form", NotesForm);
