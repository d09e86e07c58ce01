/**
 * <reports-export>: the Excel and PDF buttons of a report, shown only to users with
 * `reports:export`. Each click downloads the report with the page's current filters
 * (see exportUrl); the button says it is busy meanwhile, and a failure becomes a
 * toast, never an exception.
 */
import {
  ApiError,
  api,
  css,
  html,
  LitElement,
  nothing,
  sharedStyles,
  shellState,
  t,
  toast,
  toastError,
} from "@roa2web/ui-shell/api";
import {
  type ExportFormat,
  type ExportReport,
  exportUrl,
  type QueryValues,
} from "./report-query.js";

const FORMATS: readonly ExportFormat[] = ["xlsx", "pdf"];

export class ReportsExport extends LitElement {
  static override properties = {
    report: {},
    filters: { attribute: false },
    busy: { state: true },
    locale: {},
  };
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: inline-flex;
      }
      div {
        display: inline-flex;
        flex-wrap: wrap;
        gap: var(--roa-space-2);
      }
    `,
  ];

  declare report: ExportReport;
  declare filters: QueryValues;
  declare busy: ExportFormat | undefined;
  declare locale: string;

  constructor() {
    super();
    this.report = "invoices";
    this.filters = {};
    this.locale = "ro";
  }

  override render() {
    if (!shellState.can("reports:export")) return nothing;
    return html`<div role="group" aria-label=${t("reports.export.label")}>
      ${FORMATS.map((format) => {
        const busy = this.busy === format;
        return html`<button
          type="button"
          data-format=${format}
          aria-label=${t(`reports.export.${format}Label`)}
          aria-busy=${busy ? "true" : "false"}
          ?disabled=${this.busy !== undefined}
          @click=${() => this.#export(format)}
        >
          <span aria-hidden="true">↓</span> ${busy ? t("reports.export.busy") : t(`reports.export.${format}`)}
        </button>`;
      })}
    </div>`;
  }

  async #export(format: ExportFormat): Promise<void> {
    if (this.busy) return;
    this.busy = format;
    try {
      const name = await api.download(exportUrl(this.report, format, this.filters));
      toast(t("reports.export.done", { name }), { kind: "success" });
    } catch (error) {
      if (isMissingExport(error)) toast(t("reports.export.unavailable"), { kind: "error" });
      else {
        toastError(error, {
          plugin: "reports",
          format: (message) => t("reports.export.failed", { message }),
        });
      }
    } finally {
      this.busy = undefined;
    }
  }
}

/**
 * The kernel's "No route" 404 (or a 501): this server has no such export, an older
 * reports plugin. Any other 404 (an unknown company) is described like other errors.
 */
function isMissingExport(error: unknown): boolean {
  return (
    error instanceof ApiError &&
    (error.status === 501 || (error.status === 404 && error.message.startsWith("No route")))
  );
}

if (!customElements.get("reports-export")) customElements.define("reports-export", ReportsExport);
