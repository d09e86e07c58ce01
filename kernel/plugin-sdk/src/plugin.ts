import type { PluginContext, PluginRuntime } from "./context.js";
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
 * The code side of a plugin: the package's entry module default-exports
 * `definePlugin({...})`. The static side (name, version, kernel range, prefix,
 * permissions, UI) lives in package.json under `roa2web`, so the kernel can refuse
 * an incompatible plugin before running any of its code.
 */
export interface PluginDefinition {
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
  /** Runs after migrations, before the routes are served: provide services, subscribe to events. */
  start?(context: PluginContext): void | Promise<void>;
  /** Runs after the routes stopped being served and in-flight requests finished. */
  stop?(context: PluginContext): void | Promise<void>;
  /** Polled by `/health` (with a time limit) while the plugin runs. */
  health?(context: PluginContext): HealthStatus | Promise<HealthStatus>;
}

/**
 * Contract v2 (ADR 0015): the plugin names what it needs in `deps` — kernel services
 * from `coreServices`, other plugins' services by their contract references — and gets
 * exactly those, typed. What `start` returns is the plugin's state: `stop`, `health`
 * and every route module (`defineRoutes<typeof plugin>`) receive it.
 */
export interface PluginDefinitionV2<Deps extends DependencyRefs = DependencyRefs, State = unknown>
  extends Omit<PluginDefinition, "start" | "stop" | "health"> {
  deps: Deps;
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

const DEFINITION_BRAND = Symbol.for("roa2web.plugin-definition");

export function definePlugin<Deps extends DependencyRefs, State = undefined>(
  definition: PluginDefinitionV2<Deps, State>,
): PluginDefinitionV2<Deps, State>;
/** @deprecated The contract v1 shape (`start(ctx)` with `ctx.register/resolve`): name `deps` instead. */
export function definePlugin(definition: PluginDefinition): PluginDefinition;
export function definePlugin(
  definition: PluginDefinition | PluginDefinitionV2,
): PluginDefinition | PluginDefinitionV2 {
  return Object.freeze({ ...definition, [DEFINITION_BRAND]: true });
}

/** Whether a definition uses contract v2 (`deps`). */
export function isV2Definition(
  definition: PluginDefinition | PluginDefinitionV2,
): definition is PluginDefinitionV2 {
  return "deps" in definition && typeof definition.deps === "object" && definition.deps !== null;
}

export function isPluginDefinition(value: unknown): value is PluginDefinition | PluginDefinitionV2 {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<symbol, unknown>)[DEFINITION_BRAND] === true
  );
}
