/**
 * One running instance of a plugin: its scoped container, its runtime, its own
 * database (migrated before start) and the hooks the plugin defined. Reload makes a
 * new instance from the same loaded definition; stop undoes everything the
 * instance registered.
 */
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  type AnyPluginDefinition,
  type CacheService,
  type DependencyRefs,
  type HealthStatus,
  isServiceRef,
  type LeaseService,
  type Logger,
  type PluginRuntime,
  type RedisService,
  type ResolvedPluginManifest,
  type ServiceFactory,
  type ServiceRef,
} from "@roa2web/plugin-sdk";
import { type AwilixContainer, asValue } from "awilix";
import type { DataSource } from "typeorm";
import { createPluginSettings } from "../config/plugin-settings.js";
import {
  type DatabaseLocation,
  openDataSource,
  pluginDatabase,
} from "../database/open-data-source.js";
import type { KernelContainer, KernelCradle } from "../kernel-cradle.js";

/** The `coreServices` ids a contract v2 plugin may name in `deps`. */
const CORE_IDS = new Set([
  "core.logger",
  "core.settings",
  "core.erp",
  "core.cache",
  "core.users",
  "core.leases",
  "core.redis",
]);

/** `coreServices.redis`: the kernel's REDIS_URL, with a key prefix of the plugin's own. */
function redisFor(
  name: string,
  redis: { url?: string | undefined; keyPrefix: string },
): RedisService {
  return Object.freeze({
    connection:
      redis.url === undefined
        ? null
        : Object.freeze({ url: redis.url, keyPrefix: `${redis.keyPrefix}${name}:` }),
  });
}

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

/** What a plugin instance's scope adds to the kernel's cradle. */
interface PluginScope {
  "core.logger": unknown;
  "core.settings": unknown;
  "core.cache": unknown;
  "core.leases": unknown;
  "core.redis": unknown;
  [serviceId: string]: unknown;
}

export class PluginInstance {
  private dataSource: DataSource | undefined;
  private readonly abort = new AbortController();
  private reported: HealthStatus | undefined;
  private disposers: Array<() => void> = [];
  readonly runtime: PluginRuntime;
  /** The kernel cache, namespaced to this plugin (what `coreServices.cache` resolves to). */
  readonly cache: CacheService;
  /** The kernel's leases, prefixed with this plugin's name (`coreServices.leases`). */
  private readonly leases: LeaseService & { stop(): Promise<void> };
  private readonly logger: Logger;
  readonly scope: AwilixContainer<KernelCradle & PluginScope>;
  readonly startedAt = new Date();
  /** What `deps` resolved to, and what `start` returned. */
  private deps: Record<string, unknown> = {};
  private state: unknown;
  /** Its SQLite file or PostgreSQL schema (ADR 0028). */
  private readonly databaseLocation: DatabaseLocation;

  private constructor(
    readonly manifest: ResolvedPluginManifest,
    readonly definition: AnyPluginDefinition,
    kernel: KernelContainer,
    env: Readonly<Record<string, string>>,
  ) {
    const { name, version } = manifest;
    const {
      settings: kernelSettings,
      kernelVersion,
      services: directory,
      events: hub,
    } = kernel.cradle;
    const logger = kernel.cradle.logger.child({ module: name, pluginVersion: version });
    this.logger = logger;
    const cache = kernel.cradle.cache.namespaced(name);
    this.cache = cache;
    this.leases = kernel.cradle.leases.scoped(name, logger);
    const declaredEvents = hub.declared(name, {
      emits: manifest.emits ?? [],
      subscribes: manifest.subscribes ?? [],
    });
    const provided: Array<{ id: string; factory: ServiceFactory<unknown> }> = [];
    this.disposers.push(declaredEvents.dispose, () => {
      for (const { id, factory } of provided) directory.withdraw(name, id, factory);
    });
    const dataDir = path.join(kernelSettings.dataDir, "plugins", name);
    this.databaseLocation = pluginDatabase(kernelSettings, name, dataDir);
    const pluginSettings = createPluginSettings(name, env);
    const kernelInfo = Object.freeze({
      version: kernelVersion,
      environment: kernelSettings.environment,
    });
    const database = () => {
      if (!this.dataSource)
        throw new Error(`Plugin "${name}" declared no database in definePlugin({ database })`);
      return this.dataSource;
    };
    const reportHealth = (status: HealthStatus) => {
      this.reported = status;
    };
    this.scope = kernel.createScope<PluginScope>();
    this.runtime = Object.freeze({
      name,
      version,
      kernel: kernelInfo,
      dataDir,
      signal: this.abort.signal,
      events: declaredEvents,
      database,
      reportHealth,
      provide: <T>(ref: ServiceRef<T, "plugin">, factory: ServiceFactory<T>) => {
        const declared = manifest.provides?.[ref.id];
        if (declared === undefined) {
          throw new Error(
            `Plugin "${name}" provides "${ref.id}", which its manifest does not list in roa2web.provides`,
          );
        }
        if (declared !== ref.version) {
          throw new Error(
            `Plugin "${name}" provides "${ref.id}" ${ref.version} (the contract it was built with), but its manifest says ${declared}`,
          );
        }
        directory.provideFactory(name, ref.id, ref.version, factory as ServiceFactory<unknown>);
        provided.push({ id: ref.id, factory: factory as ServiceFactory<unknown> });
      },
    });
    // The plugin-scoped `core.*` services plugins name in `deps` (ADR 0015); the other
    // `core.*` services are the root's, and nothing else can be named.
    this.scope.register({
      "core.logger": asValue(logger),
      "core.settings": asValue(pluginSettings),
      "core.cache": asValue(cache),
      "core.leases": asValue(this.leases),
      "core.redis": asValue(redisFor(name, kernelSettings.redis)),
    } as never);
  }

  /**
   * Contract v2: resolves `deps` from this instance's scope — kernel services by their
   * `core.*` id, other plugins' services as handles — refusing anything the manifest
   * does not declare.
   */
  private resolveDeps(deps: DependencyRefs, kernel: KernelContainer): Record<string, unknown> {
    const { name, consumes = {} } = this.manifest;
    const resolved: Record<string, unknown> = {};
    for (const [key, ref] of Object.entries(deps)) {
      if (!isServiceRef(ref)) {
        throw new Error(
          `deps.${key} is not a service reference (use coreServices.* or a contract's ref)`,
        );
      }
      if (ref.scope === "kernel") {
        if (!CORE_IDS.has(ref.id))
          throw new Error(`deps.${key}: "${ref.id}" is not a kernel service`);
      } else {
        const range = consumes[ref.id];
        if (range === undefined) {
          throw new Error(
            `deps.${key} names the "${ref.id}" service, which the manifest of "${name}" does not list in roa2web.consumes`,
          );
        }
        if (!this.scope.hasRegistration(ref.id)) {
          this.scope.register(
            ref.id,
            asValue(
              kernel.cradle.services.handle(name, ref as ServiceRef<unknown, "plugin">, range),
            ),
          );
        }
      }
      resolved[key] = this.scope.resolve(ref.id);
    }
    return Object.freeze(resolved);
  }

  /** What every route module of this instance receives from autoload. */
  get routeOptions(): Record<string, unknown> {
    return { plugin: this.runtime, deps: this.deps, state: this.state };
  }

  /** Migrates the plugin's database, then runs its start hook. Throws PluginStepError. */
  static async start(
    manifest: ResolvedPluginManifest,
    definition: AnyPluginDefinition,
    kernel: KernelContainer,
    /** The environment its settings come from (read again at each enable and reload). */
    env: Readonly<Record<string, string>> = kernel.cradle.settings.env,
  ): Promise<PluginInstance> {
    const instance = new PluginInstance(manifest, definition, kernel, env);
    try {
      await instance.openDatabase();
      try {
        instance.deps = instance.resolveDeps(definition.deps ?? {}, kernel);
        instance.state = await definition.start?.(instance.deps as never, instance.runtime);
      } catch (error) {
        throw new PluginStepError("start", explainContractV1(definition, error));
      }
      return instance;
    } catch (error) {
      await instance.release();
      throw error;
    }
  }

  private async openDatabase(): Promise<void> {
    mkdirSync(this.runtime.dataDir, { recursive: true });
    const database = this.definition.database;
    if (!database) return;
    const started = performance.now();
    try {
      const opened = await openDataSource({
        location: this.databaseLocation,
        entities: database.entities as never,
        migrations: database.migrations,
        logger: this.logger,
      });
      this.dataSource = opened.dataSource;
      if (opened.appliedMigrations.length > 0) {
        this.logger.info(
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
    return routesDirOf(this.definition, this.manifest.root);
  }

  /**
   * The route files of this code, as autoload names them (`/notes.js`): listed once
   * when the code was loaded, so a file added to the folder later (a rebuild in place)
   * never goes live beside the old code, on a reload of this plugin or a rebuild of
   * the routes for another.
   */
  get routeFiles(): ReadonlySet<string> {
    return fixRouteFiles(this.definition, this.manifest.root);
  }

  async health(): Promise<HealthStatus> {
    const { health } = this.definition;
    if (health) return health(this.state, this.deps as never, this.runtime);
    return this.reported ?? { status: "up" };
  }

  /** Runs the definition's stop hook with what its contract passes. */
  private runStopHook(): void | Promise<void> {
    return this.definition.stop?.(this.state, this.deps as never, this.runtime);
  }

  /** Runs the stop hook, then releases everything; never throws (failures are logged). */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.abort.abort(new Error("plugin stopping"));
    if (this.definition.stop) {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          Promise.resolve().then(() => this.runStopHook()),
          new Promise((_, reject) => {
            timer = setTimeout(
              () => reject(new Error(`stop hook did not finish within ${timeoutMs} ms`)),
              timeoutMs,
            );
          }),
        ]);
      } catch (error) {
        this.logger.error({ err: error }, "The plugin's stop hook failed");
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
    // Its work has ended (the signal aborted): the leases go to a kernel standing by.
    await this.leases.stop();
    if (this.dataSource?.isInitialized) {
      await this.dataSource
        .destroy()
        .catch((error: unknown) =>
          this.logger.warn({ err: error }, "Closing the plugin database failed"),
        );
    }
    this.dataSource = undefined;
    await this.scope.dispose().catch(() => undefined);
  }
}

function routesDirOf(definition: AnyPluginDefinition, root: string): string | undefined {
  const routes = definition.routes;
  if (routes === undefined) return undefined;
  if (routes instanceof URL || (typeof routes === "string" && routes.startsWith("file:")))
    return fileURLToPath(routes);
  return path.resolve(root, routes);
}

const routeFilesByDefinition = new WeakMap<AnyPluginDefinition, ReadonlySet<string>>();

/**
 * Lists the files of a definition's routes folder the first time it is asked (the
 * plugin manager asks right after it imports the code) and returns that list ever
 * after. Paths are relative to the folder, with a leading `/` and forward slashes
 * (what autoload hands its `matchFilter`).
 */
export function fixRouteFiles(definition: AnyPluginDefinition, root: string): ReadonlySet<string> {
  const known = routeFilesByDefinition.get(definition);
  if (known) return known;
  const dir = routesDirOf(definition, root);
  const files = new Set<string>();
  if (dir && existsSync(dir)) {
    for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const relative = path.relative(dir, path.join(entry.parentPath, entry.name));
      files.add(`/${relative.split(path.sep).join("/")}`);
    }
  }
  const fixed = Object.freeze(files) as ReadonlySet<string>;
  routeFilesByDefinition.set(definition, fixed);
  return fixed;
}

/**
 * A plugin written for contract v1 (`start(ctx)` calling `ctx.register`, `ctx.services`…)
 * fails with a TypeError on the runtime it now gets: say why instead.
 */
function explainContractV1(definition: AnyPluginDefinition, error: unknown): unknown {
  if (definition.deps !== undefined || !(error instanceof TypeError)) return error;
  return new Error(
    `${error.message} — this plugin looks written for plugin contract v1 (start(ctx) with ctx.register/resolve/services/events), which this kernel no longer has: name what it uses in \`deps\` (docs/plugin-authoring.md, ADR 0015)`,
    { cause: error },
  );
}
