/**
 * What the shell knows and every plugin UI may read: the user, their permissions and
 * companies, the chosen company and accounting period (remembered per user in this
 * browser), and the enabled plugins. Changes fire a `change` event.
 */
import { api } from "./http.js";

export interface Company {
  id: number;
  code: string;
  name: string;
  tax_id: string;
  currency: string;
}

export interface PluginUi {
  tag: string;
  url: string;
  /** Per language; `display_name` / `description` when the language is missing. */
  titles?: Record<string, string>;
  descriptions?: Record<string, string>;
  /** The permission the page is for (null: every signed-in user). */
  permission?: string | null;
}

export interface PluginInfo {
  name: string;
  display_name?: string;
  description?: string;
  version: string;
  state: string;
  ui: PluginUi | null;
  failure?: { step: string; message: string; at: string } | null;
  enabled_at_start?: boolean;
  permissions?: Record<string, string>;
  since?: string;
  /** Administrators only: where the plugin's folder comes from (ADR 0024). */
  source?: "workspace" | "plugins-dir" | "package";
  /** Administrators only, for an installed package: its active version's record. */
  package?: {
    version: string;
    signer_key_id: string | null;
    trusted: boolean;
    installed_by: string | null;
    installed_at: string;
    previous_version: string | null;
    /** What each kernel sharing the database serves of it (ADR 0033). */
    kernels?: Array<{
      kernel: string;
      serving_version: string | null;
      behind: boolean;
      failure: string | null;
    }>;
    /** The kernels not serving the active version yet. */
    behind?: string[];
  } | null;
  /** Administrators only: what it declares between plugins, and what is not satisfied. */
  contract?: {
    provides: Record<string, string>;
    consumes: Record<string, string>;
    emits: string[];
    subscribes: string[];
    problems: string[];
  };
}

export interface CurrentUser {
  id: number;
  username: string;
  display_name: string;
}

interface Me {
  user: CurrentUser;
  permissions: string[];
  companies: Company[];
}

interface Preferences {
  company?: number;
  period?: string;
}

function currentMonth(): string {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}`;
}

export class ShellState extends EventTarget {
  user: CurrentUser | undefined;
  permissions: readonly string[] = [];
  companies: readonly Company[] = [];
  plugins: readonly PluginInfo[] = [];
  company: number | undefined;
  period: string = currentMonth();

  /** Loads the user's profile and the plugin list after sign-in. */
  async load(): Promise<void> {
    const [me, plugins] = await Promise.all([
      api.get<Me>("/api/auth/me"),
      api.get<{ items: PluginInfo[] }>("/api/kernel/plugins"),
    ]);
    this.user = me.user;
    this.permissions = me.permissions;
    this.companies = me.companies;
    this.plugins = plugins.items;
    const saved = this.#readPreferences();
    const savedCompany = me.companies.find((company) => company.id === saved.company);
    this.company = savedCompany?.id ?? me.companies[0]?.id;
    if (saved.period && /^\d{4}-\d{2}$/.test(saved.period)) this.period = saved.period;
    this.#changed();
  }

  /** Re-reads the plugin list (a plugin may have been enabled or disabled). */
  async refreshPlugins(): Promise<boolean> {
    const { items } = await api.get<{ items: PluginInfo[] }>("/api/kernel/plugins");
    return this.applyPlugins(items);
  }

  /**
   * Takes a plugin list the server sent (a refresh, or the plugin event stream); fires
   * `change` when an enabled plugin came, went, or changed its version or UI.
   */
  applyPlugins(items: readonly PluginInfo[]): boolean {
    const before = JSON.stringify(this.enabledPlugins.map((p) => [p.name, p.version, p.ui]));
    this.plugins = items;
    const changed =
      before !== JSON.stringify(this.enabledPlugins.map((p) => [p.name, p.version, p.ui]));
    if (changed) this.#changed();
    return changed;
  }

  get enabledPlugins(): PluginInfo[] {
    return this.plugins.filter((plugin) => plugin.state === "enabled");
  }

  /** The enabled plugins with a page for this user: a page declaring a permission needs it. */
  get pagePlugins(): PluginInfo[] {
    return this.enabledPlugins.filter(
      (plugin) => plugin.ui && (!plugin.ui.permission || this.can(plugin.ui.permission)),
    );
  }

  get currentCompany(): Company | undefined {
    return this.companies.find((company) => company.id === this.company);
  }

  /** True when the user holds `permission` (or a wildcard covering it). */
  can(permission: string): boolean {
    const [scope] = permission.split(":");
    return this.permissions.some(
      (held) => held === permission || held === "*:*" || held === `${scope}:*`,
    );
  }

  setCompany(id: number): void {
    if (id === this.company || !this.companies.some((company) => company.id === id)) return;
    this.company = id;
    this.#savePreferences();
    this.#changed();
  }

  setPeriod(period: string): void {
    if (period === this.period || !/^\d{4}-\d{2}$/.test(period)) return;
    this.period = period;
    this.#savePreferences();
    this.#changed();
  }

  clear(): void {
    this.user = undefined;
    this.permissions = [];
    this.companies = [];
    this.plugins = [];
    this.company = undefined;
    this.period = currentMonth();
    this.#changed();
  }

  #key(): string | undefined {
    return this.user ? `roa2web:prefs:${this.user.id}` : undefined;
  }

  #readPreferences(): Preferences {
    const key = this.#key();
    try {
      return key ? ((JSON.parse(localStorage.getItem(key) ?? "{}") as Preferences) ?? {}) : {};
    } catch {
      return {};
    }
  }

  #savePreferences(): void {
    const key = this.#key();
    if (!key) return;
    try {
      localStorage.setItem(key, JSON.stringify({ company: this.company, period: this.period }));
    } catch {
      // not remembered: fine
    }
  }

  #changed(): void {
    this.dispatchEvent(new Event("change"));
  }
}

export const shellState = new ShellState();

/** The plugin's name in the current language (its manifest's `ui.titles`). */
export function pluginTitle(plugin: PluginInfo, language: string): string {
  return plugin.ui?.titles?.[language] ?? plugin.display_name ?? plugin.name;
}

/** The plugin's one-line description in the current language. */
export function pluginDescription(plugin: PluginInfo, language: string): string {
  return plugin.ui?.descriptions?.[language] ?? plugin.description ?? "";
}
