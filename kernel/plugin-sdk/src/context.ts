import type { DataSource } from "typeorm";
import type { CacheService } from "./cache.js";
import type { ErpClient } from "./erp.js";
import type { HealthStatus } from "./health.js";
import type { Logger } from "./logger.js";
import type { PluginEvents, ServiceFactory, ServiceRef } from "./refs.js";
import type { EventBus, ServiceRegistry } from "./services.js";
import type { KernelInfo, PluginSettings } from "./settings.js";

/**
 * What a plugin instance receives from the kernel. Everything here is scoped to the
 * instance: a reload gets a fresh context, and the kernel undoes what the old one
 * registered (services, event handlers) when it stops.
 */
export interface PluginContext {
  readonly name: string;
  readonly version: string;
  readonly kernel: KernelInfo;
  /** A child of the kernel's logger; every line carries `module: <name>`. */
  readonly logger: Logger;
  readonly settings: PluginSettings;
  readonly erp: ErpClient;
  /** The kernel cache, namespaced to this plugin. */
  readonly cache: CacheService;
  readonly services: ServiceRegistry;
  readonly events: EventBus;
  /** This plugin's own folder under DATA_DIR (created on demand by the kernel). */
  readonly dataDir: string;
  /**
   * The plugin's own database (SQLite under dataDir), migrated before start.
   * Throws when the plugin declared no `database`.
   */
  database(): DataSource;
  /** Sets what `/health` shows for this plugin; the default is "up" while it runs. */
  reportHealth(status: HealthStatus): void;
  /**
   * Registers a value in this instance's scoped container (for example a store built
   * in `start`), so route modules can `resolve` it. Gone when the instance stops.
   */
  register(name: string, value: unknown): void;
  /**
   * Resolves from this instance's scoped container: what the plugin registered, and
   * the kernel services shared with plugins (`erp`, `cache`, `logger`, `settings`,
   * `services`, `events`). Kernel internals (its configuration, auth, other plugins'
   * settings) are not reachable.
   */
  resolve<T = unknown>(name: string): T;
  /** Aborted when this instance stops: pass it to timers, fetches and loops. */
  readonly signal: AbortSignal;
}

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
