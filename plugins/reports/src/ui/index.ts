/** <reports-app>: the reports UI (dashboard for now; the full set is being built). */
import { api, formatMoney, html, PluginElement, sharedStyles, t } from "@roa2web/ui-shell/api";

interface Dashboard {
  revenue: number;
  expenses: number;
  result: number;
  cash: number;
  bank: number;
}

export class ReportsApp extends PluginElement {
  static override properties = { ...PluginElement.properties, data: { state: true } };
  static override styles = [sharedStyles];
  declare data: Dashboard | undefined;

  override willUpdate(changed: Map<string, unknown>) {
    if ((changed.has("company") || changed.has("period")) && this.company) {
      void api
        .get<{ report: Dashboard } & Dashboard>("/api/reports/dashboard", {
          query: { company: this.company, period: this.period },
        })
        .then((body) => {
          this.data = body.report ?? body;
        });
    }
  }

  override render() {
    const d = this.data;
    return html`<h1>${t("nav.home")}</h1>
      ${d ? html`<dl><dt>Revenue</dt><dd>${formatMoney(d.revenue)}</dd></dl>` : ""}`;
  }
}
customElements.define("reports-app", ReportsApp);
