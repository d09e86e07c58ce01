/**
 * `PluginElement`: the base class of a plugin's root web component. The shell sets
 * its properties and re-renders it when they change:
 * - `route`: the path after `/<plugin name>/` (`"invoices"` for `/reports/invoices`),
 * - `company` and `period` (`YYYY-MM`): the header's selectors,
 * - `locale`: the language, so `t()` texts re-render when it changes.
 * An error thrown while rendering is reported to the shell's error boundary (the
 * plugin's area shows an error card with a retry) instead of vanishing in the console.
 */
import { LitElement, type PropertyValues } from "lit";

export const PLUGIN_ERROR_EVENT = "roa-plugin-error";

export class PluginElement extends LitElement {
  static override properties = {
    route: {},
    company: { type: Number },
    period: {},
    locale: {},
  };

  declare route: string;
  declare company: number | undefined;
  declare period: string;
  declare locale: string;

  constructor() {
    super();
    this.route = "";
    this.period = "";
    this.locale = "ro";
  }

  protected override update(changed: PropertyValues): void {
    try {
      super.update(changed);
    } catch (error) {
      this.reportError(error);
    }
  }

  /** Hands an error to the shell's boundary around this plugin. */
  reportError(error: unknown): void {
    this.dispatchEvent(
      new CustomEvent(PLUGIN_ERROR_EVENT, { detail: error, bubbles: true, composed: true }),
    );
  }
}

/** Goes to a shell path (`/reports/invoices`) like a link click would. */
export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState({}, "", path);
  else history.pushState({}, "", path);
  window.dispatchEvent(new PopStateEvent("popstate"));
}

/** The current page's query parameters (filters kept in the URL for deep links). */
export function currentQuery(): URLSearchParams {
  return new URLSearchParams(location.search);
}

/**
 * Writes filters into the address bar without navigating, so a reload or a shared
 * link opens the same view. Empty values are left out.
 */
export function setQuery(values: Record<string, string | number | undefined | null>): void {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const search = params.toString();
  history.replaceState(history.state, "", `${location.pathname}${search ? `?${search}` : ""}`);
}
