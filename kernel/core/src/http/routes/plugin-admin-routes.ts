/**
 * `/api/kernel/plugins`: the shell reads the enabled plugins and their UI entries;
 * administrators (`kernel:admin`) see every plugin and enable, disable or reload them.
 */
import path from "node:path";
import { ConflictError, hasPermission } from "@roa2web/plugin-sdk";
import type { FastifyInstance } from "fastify";
import type { KernelCradle } from "../../kernel-cradle.js";
import type { InstalledPackage, KernelOutcome } from "../../plugins/package-store.js";
import type { PluginRecord } from "../../plugins/plugin-manager.js";
import { Switchboard } from "../switchboard.js";
import { errorsAnswered } from "./schemas.js";

export const ADMIN_PERMISSION = "kernel:admin";

export const pluginView = {
  type: "object",
  properties: {
    name: { type: "string" },
    display_name: { type: "string" },
    description: { type: "string", nullable: true },
    version: { type: "string", nullable: true },
    state: { type: "string", enum: ["disabled", "starting", "enabled", "stopping", "failed"] },
    since: { type: "string", format: "date-time" },
    prefix: { type: "string", nullable: true },
    enabled_at_start: { type: "boolean" },
    source: {
      type: "string",
      enum: ["workspace", "plugins-dir", "package"],
      description:
        "Where its folder comes from: the workspace's plugins, PLUGINS_DIR, or an installed package",
    },
    package: {
      type: "object",
      nullable: true,
      description: "For an installed package: the active version's record (ADR 0024)",
      properties: {
        version: { type: "string" },
        sha256: { type: "string" },
        signer_key_id: { type: "string", nullable: true },
        trusted: { type: "boolean" },
        installed_by: { type: "string", nullable: true },
        installed_at: { type: "string", format: "date-time" },
        previous_version: { type: "string", nullable: true },
        kernels: {
          type: "array",
          description:
            "What each kernel sharing the database serves of this package (ADR 0033); `behind` while one does not serve the active version yet, or could not (`failure`)",
          items: {
            type: "object",
            properties: {
              kernel: { type: "string" },
              serving_version: { type: "string", nullable: true },
              behind: { type: "boolean" },
              failure: { type: "string", nullable: true },
              at: { type: "string", format: "date-time" },
            },
          },
        },
        behind: {
          type: "array",
          items: { type: "string" },
          description:
            "The kernels that do not serve the active version (empty once all have applied it)",
        },
      },
    },
    ui: {
      type: "object",
      nullable: true,
      properties: {
        tag: { type: "string" },
        url: { type: "string" },
        titles: { type: "object", additionalProperties: { type: "string" } },
        descriptions: { type: "object", additionalProperties: { type: "string" } },
        permission: {
          type: "string",
          nullable: true,
          description: "Who the page is for: the shell lists it only for users holding it",
        },
      },
    },
    permissions: { type: "object", additionalProperties: { type: "string" } },
    failure: {
      type: "object",
      nullable: true,
      properties: { step: { type: "string" }, message: { type: "string" }, at: { type: "string" } },
    },
    contract: {
      type: "object",
      description:
        "What the manifest declares between plugins (ADR 0015), and what this kernel cannot satisfy",
      properties: {
        provides: { type: "object", additionalProperties: { type: "string" } },
        consumes: { type: "object", additionalProperties: { type: "string" } },
        emits: { type: "array", items: { type: "string" } },
        subscribes: { type: "array", items: { type: "string" } },
        problems: { type: "array", items: { type: "string" } },
      },
    },
  },
} as const;

/**
 * Where the shell loads a plugin's UI module from (served by the generation). The
 * version is in the query: a browser keeps one module per URL for the life of the page,
 * so a new version must be a new URL for an open page to load it (the server ignores
 * the query).
 */
export function uiUrl(record: PluginRecord): string | undefined {
  const ui = record.manifest?.ui;
  if (!ui) return undefined;
  const file = `/plugins/${record.name}/ui/${path.basename(ui.module)}`;
  return `${file}?v=${encodeURIComponent(record.manifest?.version ?? "")}`;
}

/** An installed package's versions, and what each kernel serves of it. */
export interface PluginPackageInfo {
  versions: readonly InstalledPackage[];
  kernels: readonly KernelOutcome[];
}

/**
 * What an administrator sees of an installed package: the active version, the one kept
 * for rollback, and which kernels serve it (and which are behind).
 */
export function packageView({ versions, kernels }: PluginPackageInfo) {
  const active = versions.find((row) => row.status === "active");
  if (!active) return null;
  const outcomes = kernels.map((outcome) => ({
    kernel: outcome.kernel,
    serving_version: outcome.servingVersion ?? null,
    behind: outcome.servingVersion !== active.version,
    failure: outcome.failure ?? null,
    at: outcome.at,
  }));
  return {
    version: active.version,
    sha256: active.sha256,
    signer_key_id: active.signerKeyId ?? null,
    trusted: active.trusted,
    installed_by: active.installedBy ?? null,
    installed_at: active.installedAt,
    previous_version: versions.find((row) => row.status === "previous")?.version ?? null,
    kernels: outcomes,
    behind: outcomes.filter((outcome) => outcome.behind).map((outcome) => outcome.kernel),
  };
}

export function view(
  record: PluginRecord,
  admin: boolean,
  problems: ReadonlyMap<string, string[]>,
  packages: ReadonlyMap<string, PluginPackageInfo> = new Map(),
) {
  const manifest = record.manifest;
  const url = uiUrl(record);
  const base = {
    name: record.name,
    display_name: manifest?.displayName ?? record.name,
    description: manifest?.description ?? null,
    version: manifest?.version ?? null,
    state: record.state,
    prefix: manifest?.prefix ?? null,
    ui:
      manifest?.ui && url
        ? {
            tag: manifest.ui.tag,
            url,
            titles: manifest.ui.titles ?? {},
            descriptions: manifest.ui.descriptions ?? {},
            permission: manifest.ui.permission ?? null,
          }
        : null,
  };
  if (!admin) return base;
  return {
    ...base,
    since: record.stateSince.toISOString(),
    enabled_at_start: record.enabledAtStart,
    source: record.source,
    package:
      record.source === "package"
        ? packageView(packages.get(record.name) ?? { versions: [], kernels: [] })
        : null,
    permissions: manifest?.permissions ?? {},
    failure: record.failure ?? null,
    contract: {
      provides: manifest?.provides ?? {},
      consumes: manifest?.consumes ?? {},
      emits: manifest?.emits ?? [],
      subscribes: manifest?.subscribes ?? [],
      problems: problems.get(record.name) ?? [],
    },
  };
}

/** The installed packages' versions and each kernel's outcome, per plugin name. */
export async function packagesByPlugin(
  kernel: KernelCradle,
): Promise<Map<string, PluginPackageInfo>> {
  const byPlugin = new Map<string, { versions: InstalledPackage[]; kernels: KernelOutcome[] }>();
  const of = (name: string) => {
    const info = byPlugin.get(name) ?? { versions: [], kernels: [] };
    byPlugin.set(name, info);
    return info;
  };
  const [rows, outcomes] = await Promise.all([kernel.packages.list(), kernel.packages.outcomes()]);
  for (const row of rows) of(row.name).versions.push(row);
  for (const outcome of outcomes) of(outcome.name).kernels.push(outcome);
  return byPlugin;
}

/** The kernel's contract warnings, per plugin. */
export function problemsByPlugin(kernel: KernelCradle): Map<string, string[]> {
  const byPlugin = new Map<string, string[]>();
  for (const { plugin, problem } of kernel.plugins.contractProblems()) {
    byPlugin.set(plugin, [...(byPlugin.get(plugin) ?? []), problem]);
  }
  return byPlugin;
}

/** Every plugin as an administrator sees it (what a new kernel reports to the supervisor). */
export function pluginViews(kernel: KernelCradle) {
  const problems = problemsByPlugin(kernel);
  return kernel.plugins.list().map((record) => view(record, true, problems));
}

export async function pluginAdminRoutes(app: FastifyInstance, kernel: KernelCradle): Promise<void> {
  app.get(
    "/api/kernel/plugins",
    {
      config: { access: "authenticated" },
      schema: {
        tags: ["kernel"],
        summary:
          "Plugins: the enabled ones for everyone, every plugin with details for administrators",
        response: {
          200: { type: "object", properties: { items: { type: "array", items: pluginView } } },
        },
      },
    },
    async (request) => {
      const admin = hasPermission(request.user?.permissions ?? [], ADMIN_PERMISSION);
      const records = kernel.plugins.list().filter((record) => admin || record.state === "enabled");
      const problems = admin ? problemsByPlugin(kernel) : new Map<string, string[]>();
      const packages = admin ? await packagesByPlugin(kernel) : undefined;
      return { items: records.map((record) => view(record, admin, problems, packages)) };
    },
  );

  app.post(
    "/api/kernel/plugins/rescan",
    {
      config: { access: ADMIN_PERMISSION },
      schema: {
        tags: ["kernel"],
        summary:
          "Read the plugin folders again: add new plugins, retry failed ones, drop the ones whose folder is gone",
        response: {
          200: {
            type: "object",
            properties: {
              added: { type: "array", items: { type: "string" } },
              retried: { type: "array", items: { type: "string" } },
              removed: { type: "array", items: { type: "string" } },
              items: { type: "array", items: pluginView },
            },
          },
        },
      },
    },
    async (request) => {
      Switchboard.excludeFromDrain(request.raw);
      const result = await kernel.plugins.rescan();
      request.log.info({ ...result, by: request.user?.username }, "Plugin rescan requested");
      const problems = problemsByPlugin(kernel);
      const packages = await packagesByPlugin(kernel);
      return {
        ...result,
        items: kernel.plugins.list().map((record) => view(record, true, problems, packages)),
      };
    },
  );

  // What each action answers besides 200: 409 when it cannot apply (an invalid
  // manifest, a plugin not running, a failed reload), 503 when enable did not end with
  // the plugin running.
  const actions = {
    enable: {
      run: (name: string, by?: string) => kernel.plugins.enable(name, by),
      errors: [409, 503],
    },
    disable: { run: (name: string, by?: string) => kernel.plugins.disable(name, by), errors: [] },
    reload: { run: (name: string) => kernel.plugins.reload(name), errors: [409] },
  } as const;

  /**
   * Under the supervisor (PLUGIN_RELOAD=handover), a reload of a running plugin is a
   * hand-over to a fresh kernel process: the plugin's new code is imported there and
   * the replaced code is dropped with this process (ES modules cannot be unloaded).
   * The answer is the new kernel's view of the plugin, as an in-process reload's.
   */
  async function reloadByHandOver(name: string, by: string | undefined) {
    const record = kernel.plugins.list().find((entry) => entry.name === name);
    // Unknown or not running: the in-process reload answers that (404, 409).
    if (record?.state !== "enabled") return undefined;
    // Recorded first: the new kernel process takes it as seen when it starts, the other
    // kernels sharing the database reload too (plugin-sync.ts).
    await kernel.pluginStates.touch(name, by);
    const result = await kernel.supervisor.handOver({
      reason: `reload of ${name}${by ? ` by ${by}` : ""}`,
      expect: { plugin: name },
    });
    if (!result.ok) {
      throw new ConflictError(`Reload of "${name}" failed: ${result.reason}`, {
        details: { plugin: name, reason: result.reason },
      });
    }
    return result.plugins.find((entry) => entry.name === name);
  }
  for (const [action, { run, errors }] of Object.entries(actions)) {
    app.post<{ Params: { name: string } }>(
      `/api/kernel/plugins/:name/${action}`,
      {
        config: { access: ADMIN_PERMISSION },
        schema: {
          tags: ["kernel"],
          summary: `${action[0]?.toUpperCase()}${action.slice(1)} a plugin without restarting the process`,
          params: {
            type: "object",
            required: ["name"],
            properties: { name: { type: "string", pattern: "^[a-z0-9-]{1,60}$" } },
          },
          response: { 200: pluginView, ...errorsAnswered(...errors) },
        },
      },
      async (request) => {
        Switchboard.excludeFromDrain(request.raw);
        if (
          action === "reload" &&
          kernel.supervisor.supervised &&
          kernel.settings.plugins.reload === "handover"
        ) {
          const reported = await reloadByHandOver(request.params.name, request.user?.username);
          if (reported) {
            request.log.info(
              { plugin: reported.name, action, state: reported.state, by: request.user?.username },
              "Plugin reload requested: handed over to a fresh kernel process",
            );
            return reported;
          }
        }
        const record = await run(request.params.name, request.user?.username);
        if (action === "reload")
          await kernel.pluginStates.touch(record.name, request.user?.username);
        request.log.info(
          { plugin: record.name, action, state: record.state, by: request.user?.username },
          `Plugin ${action} requested`,
        );
        return view(record, true, problemsByPlugin(kernel), await packagesByPlugin(kernel));
      },
    );
  }
}
