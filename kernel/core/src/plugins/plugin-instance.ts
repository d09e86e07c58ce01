/**
 * One running instance of a plugin: its scoped container, its context, its own
 * database (migrated before start) and the hooks the plugin defined. Reload makes a
 * new instance from the same loaded definition; stop undoes everything the
 * instance registered.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type {
  CacheService,
  ErpClient,
  HealthStatus,
  PluginContext,
  PluginDefinition,
  ResolvedPluginManifest,
} from "@roa2web/plugin-sdk";
import { type AwilixContainer, asValue } from "awilix";
import type { DataSource } from "typeorm";
import { createPluginSettings } from "../config/plugin-settings.js";
import type { KernelSettings } from "../config/settings.js";
import { openSqliteDataSource } from "../database/sqlite-data-source.js";
import type { KernelLogger } from "../logging/create-logger.js";
import type { EventHub } from "./event-hub.js";
import type { ServiceDirectory } from "./service-registry.js";

/** Kernel services a plugin may resolve by name (all shadowed in its scope). */
const SHARED_NAMES = new Set([
  "logger",
  "settings",
  "config",
  "erp",
  "cache",
  "services",
  "events",
  "pluginContext",
]);

/** The failing step, so `/health` can say "failed while migrating: …". */
export type PluginStep = "manifest" | "load" | "migrate" | "start" | "routes" | "run" | "stop";

export class PluginStepError extends Error {
  constructor(
    readonly step: PluginStep,
    readonly original: unknown,
  ) {
    super(`${step}: ${original instanceof Error ? original.message : String(original)}`);
    this.name = "PluginStepError";
  }
}

/** What the kernel's root container holds for plugins to share. */
export interface KernelShared {
  container: AwilixContainer;
  settings: KernelSettings;
  kernelVersion: string;
  logger: KernelLogger;
  erp: ErpClient;
  cache: { namespaced(prefix: string): CacheService };
  services: ServiceDirectory;
  events: EventHub;
}

export class PluginInstance {
  private dataSource: DataSource | undefined;
  private readonly abort = new AbortController();
  private reported: HealthStatus | undefined;
  private disposers: Array<() => void> = [];
  private readonly ownNames = new Set<string>();
  readonly context: PluginContext;
  readonly scope: AwilixContainer;
  readonly startedAt = new Date();

  private constructor(
    readonly manifest: ResolvedPluginManifest,
    readonly definition: PluginDefinition,
    shared: KernelShared,
    env: Readonly<Record<string, string>>,
  ) {
    const { name, version } = manifest;
    const logger = shared.logger.child({ module: name, pluginVersion: version });
    const services = shared.services.scoped(name);
    const events = shared.events.scoped(name);
    this.disposers.push(services.dispose, events.dispose);
    const dataDir = path.join(shared.settings.dataDir, "plugins", name);
    this.scope = shared.container.createScope();
    const context: PluginContext = {
      name,
      version,
      kernel: Object.freeze({
        version: shared.kernelVersion,
        environment: shared.settings.environment,
      }),
      logger,
      settings: createPluginSettings(name, env),
      erp: shared.erp,
      cache: shared.cache.namespaced(name),
      services,
      events,
      dataDir,
      database: () => {
        if (!this.dataSource)
          throw new Error(`Plugin "${name}" declared no database in definePlugin({ database })`);
        return this.dataSource;
      },
      reportHealth: (status) => {
        this.reported = status;
      },
      register: (key: string, value: unknown) => {
        if (SHARED_NAMES.has(key))
          throw new Error(`"${key}" is a kernel service name; pick another`);
        this.scope.register(key, asValue(value));
        this.ownNames.add(key);
      },
      resolve: <T>(key: string) => {
        if (!SHARED_NAMES.has(key) && !this.ownNames.has(key)) {
          throw new Error(
            `Plugin "${name}" cannot resolve "${key}": register it first, or use one of ${[...SHARED_NAMES].join(", ")}`,
          );
        }
        return this.scope.resolve<T>(key);
      },
      signal: this.abort.signal,
    };
    this.context = Object.freeze(context);
    // Shadow every root registration a plugin may name, so the scope never falls back
    // to the kernel's own (its configuration holds secrets; its registries are unscoped).
    this.scope.register({
      logger: asValue(logger),
      settings: asValue(context.settings),
      config: asValue(context.settings),
      erp: asValue(shared.erp),
      cache: asValue(context.cache),
      services: asValue(services),
      events: asValue(events),
      pluginContext: asValue(this.context),
    });
  }

  /** Migrates the plugin's database, then runs its start hook. Throws PluginStepError. */
  static async start(
    manifest: ResolvedPluginManifest,
    definition: PluginDefinition,
    shared: KernelShared,
    /** The environment its settings come from (read again at each enable and reload). */
    env: Readonly<Record<string, string>> = shared.settings.env,
  ): Promise<PluginInstance> {
    const instance = new PluginInstance(manifest, definition, shared, env);
    try {
      await instance.openDatabase();
      try {
        await definition.start?.(instance.context);
      } catch (error) {
        throw new PluginStepError("start", error);
      }
      return instance;
    } catch (error) {
      await instance.release();
      throw error;
    }
  }

  private async openDatabase(): Promise<void> {
    mkdirSync(this.context.dataDir, { recursive: true });
    const database = this.definition.database;
    if (!database) return;
    const started = performance.now();
    try {
      const opened = await openSqliteDataSource({
        file: path.join(this.context.dataDir, `${this.manifest.name}.db`),
        entities: database.entities as never,
        migrations: database.migrations,
        logger: this.context.logger,
      });
      this.dataSource = opened.dataSource;
      if (opened.appliedMigrations.length > 0) {
        this.context.logger.info(
          { migrations: opened.appliedMigrations, ms: Math.round(performance.now() - started) },
          "Applied migrations",
        );
      }
    } catch (error) {
      throw new PluginStepError("migrate", error);
    }
  }

  /** The folder autoload reads route modules from, if the plugin has routes. */
  get routesDir(): string | undefined {
    const routes = this.definition.routes;
    if (routes === undefined) return undefined;
    if (routes instanceof URL || (typeof routes === "string" && routes.startsWith("file:")))
      return fileURLToPath(routes);
    return path.resolve(this.manifest.root, routes);
  }

  async health(): Promise<HealthStatus> {
    if (this.definition.health) return this.definition.health(this.context);
    return this.reported ?? { status: "up" };
  }

  /** Runs the stop hook, then releases everything; never throws (failures are logged). */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.abort.abort(new Error("plugin stopping"));
    if (this.definition.stop) {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          Promise.resolve().then(() => this.definition.stop?.(this.context)),
          new Promise((_, reject) => {
            timer = setTimeout(
              () => reject(new Error(`stop hook did not finish within ${timeoutMs} ms`)),
              timeoutMs,
            );
          }),
        ]);
      } catch (error) {
        this.context.logger.error({ err: error }, "The plugin's stop hook failed");
      } finally {
        clearTimeout(timer);
      }
    }
    await this.release();
  }

  private async release(): Promise<void> {
    if (!this.abort.signal.aborted) this.abort.abort(new Error("plugin stopping"));
    for (const dispose of this.disposers) dispose();
    this.disposers = [];
    if (this.dataSource?.isInitialized) {
      await this.dataSource
        .destroy()
        .catch((error: unknown) =>
          this.context.logger.warn({ err: error }, "Closing the plugin database failed"),
        );
    }
    this.dataSource = undefined;
    await this.scope.dispose().catch(() => undefined);
  }
}
