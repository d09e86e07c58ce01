/**
 * <roa-company-select> and <roa-period-select>: bound to the shell state, so the one
 * in the header and any a plugin places on its page stay in step.
 */
import { css, html, LitElement } from "lit";
import { formatPeriod } from "../core/format.js";
import { api } from "../core/http.js";
import { onLocaleChange, t } from "../core/i18n.js";
import { shellState } from "../core/shell-state.js";
import { sharedStyles } from "../core/styles.js";

const selectorStyles = css`
  :host {
    display: inline-block;
    color: inherit;
  }
  label {
    display: flex;
    align-items: center;
    gap: var(--roa-space-1);
    color: inherit;
  }
  select {
    max-width: 16rem;
  }
  /* On a phone the header keeps the selects; their labels stay for screen readers. */
  @media (max-width: 760px) {
    label > span {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip: rect(0 0 0 0);
      white-space: nowrap;
    }
    :host {
      display: block;
    }
    select {
      width: 100%;
      max-width: none;
    }
  }
`;

/** Re-renders the element whenever the shell state changes. */
abstract class StateBound extends LitElement {
  #onChange = () => this.requestUpdate();
  #stopLocale: (() => void) | undefined;
  override connectedCallback() {
    super.connectedCallback();
    shellState.addEventListener("change", this.#onChange);
    this.#stopLocale = onLocaleChange(this.#onChange);
  }
  override disconnectedCallback() {
    super.disconnectedCallback();
    shellState.removeEventListener("change", this.#onChange);
    this.#stopLocale?.();
  }
}

export class RoaCompanySelect extends StateBound {
  static override styles = [sharedStyles, selectorStyles];

  override render() {
    const companies = shellState.companies;
    return html`<label>
      <span>${t("header.company")}</span>
      <select
        ?disabled=${companies.length === 0}
        @change=${(event: Event) => shellState.setCompany(Number((event.target as HTMLSelectElement).value))}
      >
        ${
          companies.length === 0
            ? html`<option>${t("company.none")}</option>`
            : companies.map(
                (company) =>
                  html`<option value=${company.id} ?selected=${company.id === shellState.company}>
                    ${company.name}
                  </option>`,
              )
        }
      </select>
    </label>`;
  }
}
customElements.define("roa-company-select", RoaCompanySelect);

interface Calendar {
  current: { year: number; month: number } | null;
  years: Array<{ year: number; months: Array<{ month: number; period: string; closed: boolean }> }>;
}

export class RoaPeriodSelect extends StateBound {
  static override properties = { calendar: { state: true } };
  static override styles = [sharedStyles, selectorStyles];

  declare calendar: Calendar | undefined;
  #loadedFor: number | undefined;

  override willUpdate() {
    const company = shellState.company;
    if (company !== undefined && company !== this.#loadedFor) {
      this.#loadedFor = company;
      void api
        .get<Calendar>("/api/calendar", { query: { company } })
        .then((calendar) => {
          if (this.#loadedFor !== company) return;
          this.calendar = calendar;
          const known = calendar.years.some((year) =>
            year.months.some((month) => month.period === shellState.period),
          );
          // A period this company's books do not have: move to its latest one.
          if (!known && calendar.current) {
            shellState.setPeriod(
              `${calendar.current.year}-${String(calendar.current.month).padStart(2, "0")}`,
            );
          }
        })
        .catch(() => {
          this.calendar = { current: null, years: [] };
        });
    }
  }

  override render() {
    const years = this.calendar?.years ?? [];
    const selected = shellState.period;
    const listed = years.some((year) => year.months.some((month) => month.period === selected));
    return html`<label>
      <span>${t("header.period")}</span>
      <select
        @change=${(event: Event) => shellState.setPeriod((event.target as HTMLSelectElement).value)}
      >
        ${listed ? "" : html`<option value=${selected} selected>${formatPeriod(selected)}</option>`}
        ${years.map(
          (year) =>
            html`<optgroup label=${String(year.year)}>
              ${year.months.map(
                (month) =>
                  html`<option value=${month.period} ?selected=${month.period === selected}>
                    ${formatPeriod(month.period)}${month.closed ? ` (${t("period.closed")})` : ""}
                  </option>`,
              )}
            </optgroup>`,
        )}
      </select>
    </label>`;
  }
}
customElements.define("roa-period-select", RoaPeriodSelect);
