import type { PluginRuntime } from "./context.js";
import type { HealthStatus } from "./health.js";
import type { DependencyRefs, ResolvedDeps } from "./refs.js";

/** A TypeORM migration class (`implements MigrationInterface`). */
export type MigrationClass = new (
  // biome-ignore lint/suspicious/noExplicitAny: TypeORM's own type for migration classes
  ...args: any[]
) => {
  up(queryRunner: unknown): Promise<unknown>;
  down(queryRunner: unknown): Promise<unknown>;
};

export interface PluginDatabase {
  /** TypeORM entities: `EntitySchema` objects (no decorators needed). */
  entities: unknown[];
  /** Migrations in the order they must run; each name is recorded once applied. */
  migrations: MigrationClass[];
}

/**
 * The code side of a plugin (contract v2, ADR 0015): the package's entry module
 * default-exports `definePlugin({...})`. The static side (name, version, kernel range,
 * prefix, permissions, what it provides, consumes, emits and subscribes to, UI) lives in
 * package.json under `roa2web`, so the kernel can refuse an incompatible plugin before
 * running any of its code.
 *
 * The plugin names what it needs in `deps` — kernel services from `coreServices`, other
 * plugins' services by the references their contract packages export — and gets exactly
 * those, typed. What `start` returns is the plugin's state: `stop`, `health` and every
 * route module (`defineRoutes<typeof plugin>`) receive it.
 */
// biome-ignore lint/complexity/noBannedTypes: no dependencies is the empty object
export interface PluginDefinition<Deps extends DependencyRefs = {}, State = unknown> {
  /** What the plugin uses: `{ erp: coreServices.erp, reports: reportsQueries }`. */
  deps?: Deps;
  /** Folder of route modules, loaded with @fastify/autoload under the plugin's prefix. */
  routes?: string | URL;
  database?: PluginDatabase;
  /**
   * Accept multipart/form-data uploads on this plugin's routes (@fastify/multipart,
   * registered in the plugin's own context only, so other routes pay nothing for it).
   * Use `request.file()` / `request.parts()` in handlers.
   */
  uploads?: {
    /** Largest accepted file in bytes; beyond it the request fails with 413. Default 20 MiB. */
    maxFileBytes?: number;
    /** Files per request. Default 5. */
    maxFiles?: number;
  };
  /**
   * A reload normally starts the new instance before stopping the old one, so no
   * request is refused. A plugin that must never run twice at once (a Telegram bot
   * polling for updates, a job holding a lock) sets this: its reload stops the old
   * instance first, and its routes answer 404 for that moment.
   */
  exclusive?: boolean;
  /** Runs after migrations, before the routes are served; returns the state routes get. */
  start?(deps: ResolvedDeps<Deps>, plugin: PluginRuntime): State | Promise<State>;
  /** Runs after the routes stopped being served and in-flight requests finished. */
  stop?(state: State, deps: ResolvedDeps<Deps>, plugin: PluginRuntime): void | Promise<void>;
  /** Polled by `/health` (with a time limit) while the plugin runs. */
  health?(
    state: State,
    deps: ResolvedDeps<Deps>,
    plugin: PluginRuntime,
  ): HealthStatus | Promise<HealthStatus>;
}

/** Any plugin's definition, as the kernel holds it. */
// biome-ignore lint/suspicious/noExplicitAny: any deps and state
export type AnyPluginDefinition = PluginDefinition<any, any>;

const DEFINITION_BRAND = Symbol.for("roa2web.plugin-definition");

// biome-ignore lint/complexity/noBannedTypes: no dependencies is the empty object
export function definePlugin<Deps extends DependencyRefs = {}, State = undefined>(
  definition: PluginDefinition<Deps, State>,
): PluginDefinition<Deps, State> {
  return Object.freeze({ ...definition, [DEFINITION_BRAND]: true });
}

export function isPluginDefinition(value: unknown): value is AnyPluginDefinition {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<symbol, unknown>)[DEFINITION_BRAND] === true
  );
}
