/**
 * <roa-admin>: for users with `kernel:admin`. Every plugin with its state, version,
 * source, signature, permissions, services, events and last failure, with enable /
 * disable / reload, upgrade and remove for installed packages; a package upload; and
 * `/health` with its details.
 */
import { css, html, LitElement, nothing } from "lit";
import { toast, toastError } from "../components/roa-toast.js";
import { ApiError } from "../core/api-error.js";
import { formatDateTime } from "../core/format.js";
import { api } from "../core/http.js";
import { locale, lookupMessage, t } from "../core/i18n.js";
import { session } from "../core/session.js";
import {
  type PluginInfo,
  pluginDescription,
  pluginTitle,
  shellState,
} from "../core/shell-state.js";
import { sharedStyles } from "../core/styles.js";
import { packageKernelsLabel } from "./package-kernels.js";
import "../components/roa-error-card.js";
import "../components/roa-table-scroll.js";

interface HealthPart {
  name: string;
  status: string;
  detail?: string;
  data?: Record<string, unknown>;
}

/** A check's name as people say it; a plugin's by its title; unknown ones as sent. */
function componentLabel(name: string, plugins: readonly PluginInfo[]): string {
  const plugin = plugins.find((candidate) => candidate.name === name);
  if (plugin) return t("admin.plugin", { name: pluginTitle(plugin, locale()) });
  return lookupMessage(locale(), `admin.check.${name}`) ?? name;
}

/**
 * A check's data as "key: value" lines (nested objects as `l2.entries`), not JSON: the
 * numbers an operator looks for, readable on a phone.
 */
export function healthFacts(data: Record<string, unknown>, prefix = ""): Array<[string, string]> {
  const facts: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(data)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      facts.push(...healthFacts(value as Record<string, unknown>, name));
    } else {
      const text = Array.isArray(value) ? value.join(", ") : String(value ?? "—");
      facts.push([name, typeof value === "number" ? value.toLocaleString(locale()) : text]);
    }
  }
  return facts;
}

/** The answer to a package upload (POST /api/kernel/plugins/packages). */
interface InstallAnswer {
  kind: "install" | "upgrade" | "downgrade" | "rollback";
  name: string;
  version: string;
  new_permissions: Record<string, string>;
  warnings: string[];
}

/** "semnat de cheia 1a2b… (de încredere)" / "nesemnat" / "—" for a plugin that is not a package. */
export function signatureLabel(plugin: PluginInfo): string {
  const record = plugin.package;
  if (!record) return t("admin.signature.none");
  if (!record.signer_key_id) return t("admin.signature.unsigned");
  return t(record.trusted ? "admin.signature.trusted" : "admin.signature.untrusted", {
    key: record.signer_key_id,
  });
}

/** One kernel sharing the database (`/health?details=1` `peers`, ADR 0034). */
interface Peer {
  id: string;
  host: string;
  pid: number;
  version: string;
  last_seen: string;
  this_kernel: boolean;
  redis: string | null;
}

interface Health {
  status: string;
  checks?: HealthPart[];
  plugins?: HealthPart[];
  kernel?: { id: string };
  database?: {
    engine: string;
    reachable: boolean;
    latency_ms: number | null;
    writes: string;
    lost_since: string | null;
  };
  redis?: { configured: boolean; reachable: boolean | null };
  leases?: Array<{ name: string; kernel: string; expires_at: string }>;
  peers?: Peer[] | null;
}

/** "PostgreSQL: reachable (1.2 ms), writes accepted" in the user's language. */
export function databaseLine(database: NonNullable<Health["database"]>): string {
  const engine = database.engine === "postgres" ? "PostgreSQL" : "SQLite";
  if (!database.reachable) {
    return t("admin.database.lost", {
      engine,
      since: formatDateTime(database.lost_since),
    });
  }
  return t("admin.database.up", {
    engine,
    ms: (database.latency_ms ?? 0).toLocaleString(locale(), { maximumFractionDigits: 1 }),
  });
}

/** Which servers serve an installed package, when there are several (ADR 0033). */
function kernelsLine(plugin: PluginInfo) {
  const label = packageKernelsLabel(plugin);
  if (!label) return nothing;
  return html`<div class="muted">${label}</div>`;
}

export class RoaAdmin extends LitElement {
  static override properties = {
    plugins: { state: true },
    health: { state: true },
    error: { state: true },
    busy: { state: true },
    lastInstall: { state: true },
  };
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: grid;
        /* minmax: a wide table scrolls inside its box, not the page. */
        grid-template-columns: minmax(0, 1fr);
        gap: var(--roa-space-4);
      }
      .state {
        font-weight: 600;
      }
      .state.enabled,
      .state.ok {
        color: var(--roa-success);
      }
      .state.failed,
      .state.down {
        color: var(--roa-danger);
      }
      .state.degraded {
        color: var(--roa-warning);
      }
      .actions {
        display: flex;
        gap: var(--roa-space-1);
        flex-wrap: wrap;
      }
      .buttons {
        display: flex;
        gap: var(--roa-space-1);
        flex-wrap: wrap;
      }
      .facts {
        margin: var(--roa-space-1) 0 0;
        display: grid;
        gap: 0.1rem;
        font-size: 0.9em;
      }
      .facts div {
        display: flex;
        gap: var(--roa-space-1);
        flex-wrap: wrap;
      }
      .facts dt {
        color: var(--roa-text-muted);
      }
      .facts dt::after {
        content: ":";
      }
      .facts dd {
        margin: 0;
        overflow-wrap: anywhere;
      }
      .upload {
        display: flex;
        flex-wrap: wrap;
        gap: var(--roa-space-2);
        align-items: end;
      }
      .upload label {
        display: grid;
        gap: 0.2rem;
        max-width: 100%;
      }
      .upload input[type="file"] {
        max-width: 100%;
      }
      .upload .check {
        display: flex;
        gap: var(--roa-space-1);
        align-items: center;
      }
      .new {
        font-weight: 600;
        color: var(--roa-warning);
      }
      .warning-text {
        color: var(--roa-warning);
      }
      details summary {
        cursor: pointer;
      }
      details ul {
        margin: var(--roa-space-1) 0;
        padding-inline-start: 1.2em;
        overflow-wrap: anywhere;
      }
    `,
  ];

  declare plugins: PluginInfo[];
  declare health: Health | undefined;
  declare error: unknown;
  declare busy: string;
  /** The last upload's answer: its new permissions are highlighted until the page reloads. */
  declare lastInstall: InstallAnswer | undefined;

  constructor() {
    super();
    this.plugins = [];
    this.busy = "";
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#load();
  }

  async #load(): Promise<void> {
    try {
      // First through `api`, which renews an expired token, so the health request
      // below carries a valid one.
      const plugins = await api.get<{ items: PluginInfo[] }>("/api/kernel/plugins");
      this.plugins = plugins.items;
      this.health = await this.#healthDetails();
      this.error = undefined;
    } catch (error) {
      this.error = error;
    }
  }

  /**
   * `/health?details=1` (versions, counts, error details) needs an administrator's
   * token. Read with fetch, not `api`: a 503 (a critical service down) still carries
   * the report this page exists to show.
   */
  async #healthDetails(): Promise<Health> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (session.accessToken) headers.authorization = `Bearer ${session.accessToken}`;
    const response = await fetch("/health?details=1", { headers, credentials: "same-origin" });
    if (response.status !== 200 && response.status !== 503) {
      throw await ApiError.fromResponse(response);
    }
    return (await response.json()) as Health;
  }

  override render() {
    if (!shellState.can("kernel:admin")) {
      return html`<roa-error-card .heading=${t("admin.forbidden")}></roa-error-card>`;
    }
    return html`<h1>${t("admin.title")}</h1>
      ${this.error ? html`<roa-error-card retryable .error=${this.error} @retry=${this.#load}></roa-error-card>` : nothing}
      ${this.#uploadSection()}
      <section class="card" aria-labelledby="plugins-heading">
        <div class="toolbar">
          <h2 id="plugins-heading">${t("admin.plugins")}</h2>
          <span class="buttons">
            <button type="button" ?disabled=${this.busy !== ""} @click=${this.#rescan}>${t("admin.rescan")}</button>
            <button type="button" @click=${this.#load}>${t("admin.refresh")}</button>
          </span>
        </div>
        <roa-table-scroll>
          <table>
            <thead>
              <tr>
                <th scope="col">${t("admin.name")}</th>
                <th scope="col">${t("admin.version")}</th>
                <th scope="col">${t("admin.source")}</th>
                <th scope="col">${t("admin.state")}</th>
                <th scope="col">${t("admin.actions")}</th>
              </tr>
            </thead>
            <tbody>
              ${this.plugins.map((plugin) => this.#pluginRow(plugin))}
            </tbody>
          </table>
        </roa-table-scroll>
      </section>
      ${this.#kernelsSection()}
      ${this.#healthSection()}`;
  }

  /** The kernels sharing this database, the database and Redis as this one sees them. */
  #kernelsSection() {
    const health = this.health;
    if (!health?.database) return nothing;
    const leasesOf = (peer: Peer) =>
      (health.leases ?? [])
        .filter((lease) => lease.kernel === peer.id)
        .map((lease) => lease.name)
        .join(", ");
    const redis = health.redis;
    return html`<section class="card" aria-labelledby="kernels-heading">
      <h2 id="kernels-heading">${t("admin.kernels")}</h2>
      <p class=${health.database.reachable ? "" : "warning-text"}>
        ${t("admin.database")}: ${databaseLine(health.database)}
      </p>
      ${
        redis?.configured
          ? html`<p class=${redis.reachable ? "" : "warning-text"}>
              Redis: ${t(redis.reachable ? "admin.redis.up" : "admin.redis.down")}
            </p>`
          : nothing
      }
      ${
        health.peers
          ? html`<roa-table-scroll>
              <table>
                <thead>
                  <tr>
                    <th scope="col">${t("admin.kernel")}</th>
                    <th scope="col">${t("admin.version")}</th>
                    <th scope="col">${t("admin.lastSeen")}</th>
                    <th scope="col">${t("admin.leases")}</th>
                  </tr>
                </thead>
                <tbody>
                  ${health.peers.map(
                    (peer) => html`<tr data-kernel=${peer.id}>
                      <td>
                        <div>${peer.host} · ${peer.pid}${peer.this_kernel ? html` <strong>(${t("admin.thisKernel")})</strong>` : nothing}</div>
                        <div class="muted">${peer.id}</div>
                      </td>
                      <td>${peer.version}</td>
                      <td>${formatDateTime(peer.last_seen)}</td>
                      <td>${leasesOf(peer) || "—"}</td>
                    </tr>`,
                  )}
                </tbody>
              </table>
            </roa-table-scroll>`
          : html`<p class="muted">${t("admin.peersUnknown")}</p>`
      }
    </section>`;
  }

  #pluginRow(plugin: PluginInfo) {
    const busy = this.busy === plugin.name;
    const enabled = plugin.state === "enabled";
    return html`<tr data-plugin=${plugin.name}>
      <td>
        <strong>${pluginTitle(plugin, locale())}</strong>
        <div class="muted">${plugin.name}${pluginDescription(plugin, locale()) ? ` — ${pluginDescription(plugin, locale())}` : ""}</div>
        ${
          plugin.failure
            ? html`<div class="error-text">${t("admin.failedAt", {
                step: t(`admin.step.${plugin.failure.step}`),
                message: plugin.failure.message,
              })}</div>`
            : nothing
        }
        ${this.#pluginDetails(plugin)}
      </td>
      <td>${plugin.version ?? "—"}</td>
      <td>
        ${plugin.source ? t(`admin.source.${plugin.source}`) : "—"}
        <div class="muted">${signatureLabel(plugin)}</div>
        ${
          plugin.package
            ? html`<div class="muted">${t("admin.installedBy", {
                user: plugin.package.installed_by ?? "—",
                at: formatDateTime(plugin.package.installed_at),
              })}</div>
              ${
                plugin.package.previous_version
                  ? html`<div class="muted">${t("admin.previousVersion", { version: plugin.package.previous_version })}</div>`
                  : nothing
              }
              ${kernelsLine(plugin)}`
            : nothing
        }
      </td>
      <td>
        <span class="state ${plugin.state}">${t(`state.${plugin.state}`)}</span>
        ${plugin.since ? html`<div class="muted">${formatDateTime(plugin.since)}</div>` : nothing}
      </td>
      <td class="actions">
        ${
          enabled
            ? html`<button type="button" class="danger" ?disabled=${busy} @click=${() => this.#act(plugin, "disable")}>
                  ${t("admin.disable")}
                </button>
                <button type="button" ?disabled=${busy} @click=${() => this.#act(plugin, "reload")}>
                  ${t("admin.reload")}
                </button>`
            : html`<button type="button" class="primary" ?disabled=${busy} @click=${() => this.#act(plugin, "enable")}>
                ${t("admin.enable")}
              </button>`
        }
        ${
          plugin.source === "package"
            ? html`<button type="button" ?disabled=${busy} @click=${() => this.#pickUpgrade(plugin)}>
                  ${t("admin.upgrade")}
                </button>
                <button type="button" class="danger" ?disabled=${busy} @click=${() => this.#remove(plugin)}>
                  ${t("admin.remove")}
                </button>`
            : nothing
        }
      </td>
    </tr>`;
  }

  /** Permissions (the last upload's new ones marked), services, events and contract problems. */
  #pluginDetails(plugin: PluginInfo) {
    const permissions = Object.entries(plugin.permissions ?? {});
    const contract = plugin.contract;
    const added =
      this.lastInstall?.name === plugin.name ? this.lastInstall.new_permissions : undefined;
    const list = (heading: string, items: string[]) =>
      items.length > 0
        ? html`<div><strong>${heading}</strong><ul>${items.map((item) => html`<li>${item}</li>`)}</ul></div>`
        : nothing;
    if (permissions.length === 0 && !contract) return nothing;
    const problems = contract?.problems ?? [];
    return html`<details ?open=${problems.length > 0 || added !== undefined}>
      <summary>${t("admin.details")}</summary>
      ${
        permissions.length > 0
          ? html`<div><strong>${t("admin.permissions")}</strong><ul>
              ${permissions.map(
                ([
                  permission,
                  description,
                ]) => html`<li class=${added && permission in added ? "new" : ""}>
                  <code>${permission}</code> — ${description}
                  ${added && permission in added ? html` (${t("admin.permissionNew")})` : nothing}
                </li>`,
              )}
            </ul></div>`
          : nothing
      }
      ${
        contract
          ? html`${list(
              t("admin.provides"),
              Object.entries(contract.provides).map(([id, version]) => `${id} ${version}`),
            )}
            ${list(
              t("admin.consumes"),
              Object.entries(contract.consumes).map(([id, range]) => `${id} ${range}`),
            )}
            ${list(t("admin.emits"), contract.emits)}
            ${list(t("admin.subscribes"), contract.subscribes)}
            ${
              problems.length > 0
                ? html`<div class="warning-text"><strong>${t("admin.problems")}</strong><ul>
                    ${problems.map((problem) => html`<li>${problem}</li>`)}
                  </ul></div>`
                : nothing
            }`
          : nothing
      }
    </details>`;
  }

  #uploadSection() {
    return html`<section class="card" aria-labelledby="packages-heading">
      <h2 id="packages-heading">${t("admin.packages")}</h2>
      <form class="upload" @submit=${this.#submitUpload}>
        <label>
          ${t("admin.packageFile")}
          <input type="file" name="package" accept=".tgz,application/gzip" />
        </label>
        <label class="check"><input type="checkbox" name="force" /> ${t("admin.force")}</label>
        <button type="submit" class="primary" ?disabled=${this.busy !== ""}>${t("admin.install")}</button>
      </form>
    </section>`;
  }

  #submitUpload = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const input = form.querySelector<HTMLInputElement>('input[name="package"]');
    const file = input?.files?.[0];
    if (!file) {
      toast(t("admin.chooseFile"), { kind: "error" });
      return;
    }
    if (!confirm(t("admin.confirmInstall", { file: file.name }))) return;
    const force = form.querySelector<HTMLInputElement>('input[name="force"]')?.checked ?? false;
    if ((await this.#install(file, force)) && input) input.value = "";
  };

  /** Upgrade: pick a file, confirm, send it. */
  #pickUpgrade(plugin: PluginInfo): void {
    const input = document.createElement("input");
    input.type = "file";
    input.accept = ".tgz,application/gzip";
    input.addEventListener("change", () => {
      const file = input.files?.[0];
      if (!file) return;
      const name = pluginTitle(plugin, locale());
      if (!confirm(t("admin.confirmUpgrade", { name, file: file.name }))) return;
      void this.#install(file, false);
    });
    input.click();
  }

  async #install(file: File, force: boolean): Promise<boolean> {
    this.busy = "*install";
    const form = new FormData();
    // The kernel reads plain fields that come before the file.
    if (force) form.append("force", "true");
    form.append("file", file, file.name);
    try {
      const answer = await api.upload<InstallAnswer>("/api/kernel/plugins/packages", form);
      this.lastInstall = answer;
      toast(
        t("admin.installed", {
          name: answer.name,
          version: answer.version,
          kind: t(`admin.kind.${answer.kind}`),
        }),
        { kind: "success" },
      );
      const added = Object.keys(answer.new_permissions);
      if (added.length > 0)
        toast(t("admin.newPermissions", { permissions: added.join(", ") }), {
          kind: "info",
          timeoutMs: 15_000,
        });
      if (answer.warnings.length > 0)
        toast(t("admin.warnings", { warnings: answer.warnings.join("; ") }), {
          kind: "info",
          timeoutMs: 15_000,
        });
      return true;
    } catch (error) {
      toastError(error, { plugin: "kernel" });
      return false;
    } finally {
      this.busy = "";
      await Promise.all([this.#load(), shellState.refreshPlugins().catch(() => false)]);
    }
  }

  async #remove(plugin: PluginInfo): Promise<void> {
    const name = pluginTitle(plugin, locale());
    if (!confirm(t("admin.confirmRemove", { name }))) return;
    const purge = confirm(t("admin.confirmPurge", { name }));
    this.busy = plugin.name;
    try {
      await api.delete(`/api/kernel/plugins/${plugin.name}/package${purge ? "?purge=true" : ""}`);
      toast(t("admin.removed", { name }), { kind: "success" });
    } catch (error) {
      toastError(error, { plugin: "kernel" });
    } finally {
      this.busy = "";
      await Promise.all([this.#load(), shellState.refreshPlugins().catch(() => false)]);
    }
  }

  #healthSection() {
    const health = this.health;
    if (!health) return nothing;
    const parts = [...(health.checks ?? []), ...(health.plugins ?? [])];
    return html`<section class="card" aria-labelledby="health-heading">
      <h2 id="health-heading">${t("admin.health")}</h2>
      <p>
        ${t("admin.status")}: <span class="state ${health.status}">${t(`state.${health.status}`)}</span>
      </p>
      <roa-table-scroll>
        <table>
          <thead>
            <tr>
              <th scope="col">${t("admin.component")}</th>
              <th scope="col">${t("admin.state")}</th>
              <th scope="col">${t("admin.detail")}</th>
            </tr>
          </thead>
          <tbody>
            ${parts.map(
              (part) => html`<tr>
                <td>${componentLabel(part.name, this.plugins ?? [])}</td>
                <td><span class="state ${part.status}">${t(`state.${part.status}`)}</span></td>
                <td>
                  ${part.detail ?? ""}
                  ${
                    part.data
                      ? html`<dl class="facts">
                          ${healthFacts(part.data).map(([key, value]) => html`<div><dt>${key}</dt><dd>${value}</dd></div>`)}
                        </dl>`
                      : nothing
                  }
                </td>
              </tr>`,
            )}
          </tbody>
        </table>
      </roa-table-scroll>
    </section>`;
  }

  /** Asks the kernel to read the plugin folders again (new, fixed or removed plugins). */
  #rescan = async (): Promise<void> => {
    this.busy = "*rescan";
    try {
      const result = await api.post<{ added: string[]; retried: string[]; removed: string[] }>(
        "/api/kernel/plugins/rescan",
      );
      const names = (list: string[]) => (list.length > 0 ? list.join(", ") : t("admin.none"));
      toast(
        t("admin.rescanned", {
          added: names(result.added),
          retried: names(result.retried),
          removed: names(result.removed),
        }),
        { kind: "success" },
      );
    } catch (error) {
      toastError(error);
    } finally {
      this.busy = "";
      await Promise.all([this.#load(), shellState.refreshPlugins().catch(() => false)]);
    }
  };

  async #act(plugin: PluginInfo, action: "enable" | "disable" | "reload"): Promise<void> {
    const name = pluginTitle(plugin, locale());
    if (action === "disable" && !confirm(t("admin.confirmDisable", { name }))) return;
    this.busy = plugin.name;
    try {
      const result = await api.post<PluginInfo>(`/api/kernel/plugins/${plugin.name}/${action}`);
      toast(t("admin.done", { name, state: t(`state.${result.state}`) }), {
        kind: result.state === "failed" ? "error" : "success",
      });
    } catch (error) {
      toastError(error);
    } finally {
      this.busy = "";
      await Promise.all([this.#load(), shellState.refreshPlugins().catch(() => false)]);
    }
  }
}
customElements.define("roa-admin", RoaAdmin);
