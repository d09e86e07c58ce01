/**
 * <data-entry-attachments>: the receipt's files. A drop zone, a file picker and, on
 * phones, a "Take photo" button (the camera through `capture="environment"`);
 * thumbnails of images and links to every file. It only displays and collects: it
 * fires `files-selected` {files} and `ocr-request` {attachment}; the page uploads.
 */
import {
  api,
  css,
  FollowLocale,
  formatNumber,
  html,
  LitElement,
  nothing,
  sharedStyles,
  t,
  toast,
  toastError,
} from "@roa2web/ui-shell/api";
import type { Attachment } from "./types.js";

const ACCEPT = "image/jpeg,image/png,application/pdf";
const ACCEPTED_TYPES = new Set(["image/jpeg", "image/png", "application/pdf"]);

export function isImage(mime: string): boolean {
  return mime === "image/jpeg" || mime === "image/png";
}

/** What the server's OCR reads: photos, and PDFs (their text layer or their scans). */
export function isReadableByOcr(mime: string): boolean {
  return isImage(mime) || mime === "application/pdf";
}

function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${formatNumber(bytes / (1024 * 1024), 1)} MB`
    : `${formatNumber(Math.max(1, Math.round(bytes / 1024)))} KB`;
}

export class DataEntryAttachments extends LitElement {
  static override properties = {
    attachments: { attribute: false },
    pending: { attribute: false },
    editable: { type: Boolean },
    ocrAvailable: { type: Boolean, attribute: "ocr-available" },
    uploading: { type: Boolean },
    dragging: { state: true },
    thumbnails: { state: true },
  };
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: grid;
        gap: var(--roa-space-3);
      }
      .drop {
        border: 2px dashed var(--roa-border-strong);
        border-radius: var(--roa-radius-lg);
        padding: var(--roa-space-4);
        text-align: center;
        display: grid;
        gap: var(--roa-space-2);
        justify-items: center;
      }
      .drop.dragging {
        border-color: var(--roa-primary);
        background: var(--roa-surface-hover);
      }
      .buttons {
        display: flex;
        flex-wrap: wrap;
        gap: var(--roa-space-2);
        justify-content: center;
      }
      .camera {
        display: none;
      }
      /* A phone (touch or narrow): the camera first, big; nothing to drag a file from. */
      @media (pointer: coarse), (max-width: 40rem) {
        .drop {
          border: none;
          padding: 0;
        }
        .hint {
          display: none;
        }
        .buttons {
          flex-direction: column;
          align-items: stretch;
          width: 100%;
        }
        .buttons button {
          justify-content: center;
          min-height: 3rem;
        }
        .camera {
          display: inline-flex;
          min-height: 3.5rem;
          font-size: 1.1rem;
          font-weight: 600;
        }
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(9rem, 1fr));
        gap: var(--roa-space-2);
      }
      li {
        border: 1px solid var(--roa-border);
        border-radius: var(--roa-radius);
        padding: var(--roa-space-2);
        display: grid;
        gap: var(--roa-space-1);
        font-size: 0.85rem;
        min-width: 0;
      }
      .thumb {
        width: 100%;
        height: 7rem;
        object-fit: cover;
        border-radius: var(--roa-radius);
        background: var(--roa-surface-hover);
        display: grid;
        place-items: center;
        font-weight: 600;
        color: var(--roa-text-muted);
      }
      .name {
        overflow-wrap: anywhere;
      }
      button.link {
        border: none;
        background: none;
        padding: 0;
        min-height: auto;
        color: var(--roa-link);
        text-decoration: underline;
        text-align: left;
      }
    `,
  ];

  declare attachments: Attachment[];
  declare pending: File[];
  declare editable: boolean;
  declare ocrAvailable: boolean;
  declare uploading: boolean;
  declare dragging: boolean;
  declare thumbnails: Map<string, string>;
  #loadingThumbs = new Set<string>();
  #pendingUrls = new Map<File, string>();

  constructor() {
    super();
    // Texts follow a language change (the shell sets `locale` on the root element only).
    new FollowLocale(this);
    this.attachments = [];
    this.pending = [];
    this.editable = false;
    this.ocrAvailable = false;
    this.uploading = false;
    this.dragging = false;
    this.thumbnails = new Map();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const url of this.thumbnails.values()) URL.revokeObjectURL(url);
    for (const url of this.#pendingUrls.values()) URL.revokeObjectURL(url);
    this.thumbnails = new Map();
    this.#pendingUrls.clear();
    this.#loadingThumbs.clear();
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has("attachments")) {
      for (const attachment of this.attachments) {
        if (isImage(attachment.mime)) void this.#thumbnail(attachment.id);
      }
    }
    if (changed.has("pending")) {
      for (const [file, url] of this.#pendingUrls) {
        if (!this.pending.includes(file)) {
          URL.revokeObjectURL(url);
          this.#pendingUrls.delete(file);
        }
      }
    }
  }

  /** Images are fetched with the user's token (an <img src> could not send it). */
  async #thumbnail(id: string): Promise<void> {
    if (this.thumbnails.has(id) || this.#loadingThumbs.has(id)) return;
    this.#loadingThumbs.add(id);
    try {
      const response = await api.stream(`/api/data-entry/attachments/${id}`);
      const url = URL.createObjectURL(await response.blob());
      this.thumbnails = new Map(this.thumbnails).set(id, url);
    } catch {
      // the file link still works; no thumbnail
    } finally {
      this.#loadingThumbs.delete(id);
    }
  }

  #pendingUrl(file: File): string {
    let url = this.#pendingUrls.get(file);
    if (!url) {
      url = URL.createObjectURL(file);
      this.#pendingUrls.set(file, url);
    }
    return url;
  }

  #select(list: FileList | null | undefined): void {
    const files = [...(list ?? [])];
    if (files.length === 0) return;
    const accepted = files.filter((file) => ACCEPTED_TYPES.has(file.type) || file.type === "");
    const refused = files.filter((file) => !accepted.includes(file));
    if (refused.length > 0) {
      toast(
        t("data-entry.attachments.wrongType", { names: refused.map((f) => f.name).join(", ") }),
        {
          kind: "error",
        },
      );
    }
    if (accepted.length > 0) {
      this.dispatchEvent(
        new CustomEvent<{ files: File[] }>("files-selected", {
          detail: { files: accepted },
          bubbles: true,
          composed: true,
        }),
      );
    }
  }

  #pick(selector: string): void {
    this.renderRoot.querySelector<HTMLInputElement>(selector)?.click();
  }

  async #download(attachment: Attachment): Promise<void> {
    try {
      await api.download(`/api/data-entry/attachments/${attachment.id}`);
    } catch (error) {
      toastError(error, { plugin: "data-entry" });
    }
  }

  override render() {
    const empty = this.attachments.length === 0 && this.pending.length === 0;
    return html`${
      this.editable
        ? html`<div
            class="drop ${this.dragging ? "dragging" : ""}"
            @dragenter=${(event: DragEvent) => {
              event.preventDefault();
              this.dragging = true;
            }}
            @dragover=${(event: DragEvent) => {
              event.preventDefault();
              if (event.dataTransfer) event.dataTransfer.dropEffect = "copy";
            }}
            @dragleave=${(event: DragEvent) => {
              if (event.currentTarget === event.target) this.dragging = false;
            }}
            @drop=${(event: DragEvent) => {
              event.preventDefault();
              this.dragging = false;
              this.#select(event.dataTransfer?.files);
            }}
          >
            ${
              this.uploading
                ? html`<span class="muted">${t("data-entry.attachments.uploading")}</span>`
                : html`<span class="muted hint">${t("data-entry.attachments.drop")}</span>`
            }
            <div class="buttons">
              <button type="button" class="camera primary" ?disabled=${this.uploading} @click=${() => this.#pick("input.capture")}>
                ${t("data-entry.attachments.takePhoto")}
              </button>
              <button type="button" ?disabled=${this.uploading} @click=${() => this.#pick("input.picker")}>
                ${t("data-entry.attachments.choose")}
              </button>
            </div>
            <input
              class="picker"
              type="file"
              hidden
              multiple
              accept=${ACCEPT}
              aria-label=${t("data-entry.attachments.choose")}
              @change=${(event: Event) => {
                const input = event.target as HTMLInputElement;
                this.#select(input.files);
                input.value = "";
              }}
            />
            <input
              class="capture"
              type="file"
              hidden
              accept="image/*"
              capture="environment"
              aria-label=${t("data-entry.attachments.takePhoto")}
              @change=${(event: Event) => {
                const input = event.target as HTMLInputElement;
                this.#select(input.files);
                input.value = "";
              }}
            />
          </div>`
        : nothing
    }
      ${
        empty
          ? html`<p class="muted">${t("data-entry.attachments.none")}</p>`
          : html`<ul aria-label=${t("data-entry.attachments.title")}>
              ${this.attachments.map((attachment) => this.#item(attachment))}
              ${this.pending.map(
                (file, index) => html`<li>
                  ${
                    isImage(file.type)
                      ? html`<img class="thumb" alt="" src=${this.#pendingUrl(file)} />`
                      : html`<span class="thumb">PDF</span>`
                  }
                  <span class="name">${file.name}</span>
                  <span class="muted">${sizeText(file.size)} · ${t("data-entry.attachments.notUploaded")}</span>
                  <button
                    type="button"
                    class="link"
                    @click=${() =>
                      this.dispatchEvent(
                        new CustomEvent("remove-pending", {
                          detail: { index },
                          bubbles: true,
                          composed: true,
                        }),
                      )}
                  >
                    ${t("data-entry.attachments.remove")}
                  </button>
                </li>`,
              )}
            </ul>`
      }`;
  }

  #item(attachment: Attachment) {
    const thumb = this.thumbnails.get(attachment.id);
    return html`<li data-attachment=${attachment.id}>
      ${
        isImage(attachment.mime)
          ? thumb
            ? html`<img class="thumb" alt=${attachment.display_name} src=${thumb} />`
            : html`<span class="thumb">…</span>`
          : html`<span class="thumb">PDF</span>`
      }
      <button type="button" class="link name" @click=${() => this.#download(attachment)}>
        ${attachment.display_name}
      </button>
      <span class="muted">${sizeText(attachment.size)}</span>
      ${
        this.ocrAvailable && this.editable && isReadableByOcr(attachment.mime)
          ? html`<button
              type="button"
              @click=${() =>
                this.dispatchEvent(
                  new CustomEvent("ocr-request", {
                    detail: { attachment },
                    bubbles: true,
                    composed: true,
                  }),
                )}
            >
              ${t("data-entry.ocr.read")}
            </button>`
          : nothing
      }
    </li>`;
  }
}

if (!customElements.get("data-entry-attachments")) {
  customElements.define("data-entry-attachments", DataEntryAttachments);
}
