/** <data-entry-app>: the data-entry UI (receipts list for now; the full set is being built). */
import { api, html, PluginElement, sharedStyles } from "@roa2web/ui-shell/api";

export class DataEntryApp extends PluginElement {
  static override properties = { ...PluginElement.properties, total: { state: true } };
  static override styles = [sharedStyles];
  declare total: number | undefined;

  override willUpdate(changed: Map<string, unknown>) {
    if (changed.has("company") && this.company) {
      void api
        .get<{ total: number }>("/api/data-entry/receipts", { query: { company: this.company } })
        .then((body) => {
          this.total = body.total;
        });
    }
  }

  override render() {
    return html`<h1>Receipts</h1><p>${this.total ?? "…"}</p>`;
  }
}
customElements.define("data-entry-app", DataEntryApp);
