import type { DataSource } from "typeorm";
import type { HealthStatus } from "./health.js";
import type { PluginEvents, ServiceFactory, ServiceRef } from "./refs.js";
import type { KernelInfo } from "./settings.js";

/**
 * What one running instance of a plugin gets besides its `deps` (contract v2, ADR 0015):
 * facts about itself, the services it provides, its events, its own database and health.
 * A reload gets a fresh runtime; what the old one provided and subscribed is undone.
 */
export interface PluginRuntime {
  readonly name: string;
  readonly version: string;
  readonly kernel: KernelInfo;
  /** This plugin's own folder under DATA_DIR (created by the kernel). */
  readonly dataDir: string;
  /** Aborted when this instance stops: pass it to timers, fetches and loops. */
  readonly signal: AbortSignal;
  /**
   * Publishes a service declared in the manifest's `provides` while this instance runs.
   * The factory is called for every consumer call with the caller the kernel built:
   * check its grants there (`assertCaller`).
   */
  provide<T>(ref: ServiceRef<T, "plugin">, factory: ServiceFactory<T>): void;
  /** Events declared in the manifest's `emits` and `subscribes`. */
  readonly events: PluginEvents;
  /**
   * The plugin's own database (SQLite under dataDir), migrated before start.
   * Throws when the plugin declared no `database`.
   */
  database(): DataSource;
  /** Sets what `/health` shows for this plugin; the default is "up" while it runs. */
  reportHealth(status: HealthStatus): void;
}
