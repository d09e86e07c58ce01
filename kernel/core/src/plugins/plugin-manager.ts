/**
 * Discovers plugin packages, checks their manifests, loads their code once, and
 * starts, stops and reloads their instances. Every change of the set of running
 * plugins is published through `onChange` (the HTTP layer builds and swaps a new
 * route generation), and the manager waits for it before it stops an instance, so
 * requests in flight always finish on the instance that accepted them.
 *
 * Failures are contained: a plugin that fails any step is marked `failed` with the
 * step and reason, and the kernel and the other plugins carry on.
 */
import { pathToFileURL } from "node:url";
import {
  type AnyPluginDefinition,
  ConflictError,
  envNamespace,
  isPluginDefinition,
  NotFoundError,
  type ResolvedPluginManifest,
  RoaError,
} from "@roa2web/plugin-sdk";
import semver from "semver";
import type { KernelContainer } from "../kernel-cradle.js";
import type { KernelLogger } from "../logging/create-logger.js";
import { discoverPluginRoots } from "./discover.js";
import { ManifestError, readManifest } from "./manifest.js";
import {
  fixRouteFiles,
  PluginInstance,
  type PluginStep,
  PluginStepError,
} from "./plugin-instance.js";
import type { PluginStateStore } from "./plugin-state-store.js";

export type PluginState = "disabled" | "starting" | "enabled" | "stopping" | "failed";

/** Where a plugin's folder came from: the workspace's plugins, PLUGINS_DIR, or an installed package. */
export type PluginSource = "workspace" | "plugins-dir" | "package";

export interface PluginFailure {
  step: PluginStep;
  message: string;
  at: string;
}

export interface PluginRecord {
  /** Plugin name, or the folder when the manifest could not be read. */
  name: string;
  root: string;
  source: PluginSource;
  manifest: ResolvedPluginManifest | undefined;
  state: PluginState;
  failure: PluginFailure | undefined;
  definition: AnyPluginDefinition | undefined;
  instance: PluginInstance | undefined;
  /** What the stored choice, else MODULE_<NAME>_ENABLED (or the manifest default), asked for at start. */
  enabledAtStart: boolean;
  /** Whether the plugin should be running now: an administrator's last choice, else enabledAtStart. A rescan retries a failed plugin only when it is wanted. */
  wanted: boolean;
  stateSince: Date;
}

/** A plugin that should run but failed: its routes answer 503 with the reason instead of 404. */
export interface UnavailablePlugin {
  name: string;
  prefix: string;
  failure: PluginFailure;
}

/** The answer to an enable that did not end with the plugin running: 503 with the step and reason. */
function pluginFailedError(record: PluginRecord): RoaError {
  const failure = record.failure;
  return new RoaError(
    "PLUGIN_FAILED",
    503,
    `Plugin "${record.name}" did not start: it failed while at step "${failure?.step ?? "start"}": ${failure?.message ?? "unknown error"}`,
    { details: { plugin: record.name, step: failure?.step, reason: failure?.message } },
  );
}

/** Called with the instances that should serve requests now (and the failed plugins whose prefix answers 503); resolves once they do and the old ones drained. */
export type RouteSetPublisher = (
  running: PluginInstance[],
  unavailable: UnavailablePlugin[],
) => Promise<void>;
/** Checks that a new instance's routes load (declare access, register cleanly) before it goes live. */
export type RouteCheck = (instance: PluginInstance) => Promise<void>;

export interface PluginManagerOptions {
  /** Keeps enable/disable choices across restarts; without it they last until the process ends. */
  states?: PluginStateStore;
  /** Reads the environment again, so that enable and reload pick up changed plugin settings. */
  readEnvironment?: () => Readonly<Record<string, string>>;
  /** The folders of the installed packages' active versions (read at discovery and each rescan). */
  packageRoots?: () => Promise<string[]>;
}

/** What switching a plugin to a new folder did. */
export interface ActivatedPlugin {
  record: PluginRecord;
  /** The manifest of the version that served before, if any. */
  previous: ResolvedPluginManifest | undefined;
}

/** What a rescan changed. */
export interface RescanResult {
  /** Plugins found for the first time. */
  added: string[];
  /** Failed plugins tried again (their state tells how it went). */
  retried: string[];
  /** Stopped or failed plugins whose folder is gone. */
  removed: string[];
}

export interface SwitchOptions {
  /**
   * Record the choice (default). `false` when following a change another kernel made
   * and recorded already (plugin-sync.ts).
   */
  remember?: boolean;
}

export class PluginManager {
  private readonly records = new Map<string, PluginRecord>();
  /** Bumped by each rescan: a module that failed to import is imported again under a new URL. */
  private importGeneration = 0;
  private readonly reimport = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();
  private publish: RouteSetPublisher = async () => undefined;
  private checkRoutes: RouteCheck = async () => undefined;

  /** The manager's own lines are the kernel's; plugins get children of the root logger. */
  private readonly log: KernelLogger;

  constructor(
    private readonly kernel: KernelContainer,
    private readonly options: PluginManagerOptions = {},
  ) {
    this.log = kernel.cradle.logger.child({ module: "kernel" });
  }

  /** Wires the HTTP layer in (the manager does not know about Fastify). */
  attachHttp(publish: RouteSetPublisher, checkRoutes: RouteCheck): void {
    this.publish = publish;
    this.checkRoutes = checkRoutes;
  }

  /** Reads every manifest (no plugin code is imported here). */
  async discover(): Promise<void> {
    const stored = (await this.options.states?.load()) ?? new Map<string, boolean>();
    for (const { root, source } of await this.roots()) this.readRecord(root, stored, source);
    this.warnAboutContracts();
  }

  /** Every plugin folder with where it came from: the workspace's first, then PLUGINS_DIR, then packages. */
  private async roots(): Promise<Array<{ root: string; source: PluginSource }>> {
    const [workspace, ...others] = this.kernel.cradle.settings.plugins.directories;
    const packages = (await this.options.packageRoots?.()) ?? [];
    return [
      ...discoverPluginRoots(workspace ? [workspace] : []).map((root) => ({
        root,
        source: "workspace" as const,
      })),
      ...discoverPluginRoots(others).map((root) => ({ root, source: "plugins-dir" as const })),
      ...packages.map((root) => ({ root, source: "package" as const })),
    ];
  }

  /**
   * Declared services and events that nothing on this kernel can satisfy: an event
   * subscribed to that no discovered plugin emits, a service consumed that none
   * provides, or provided in a version outside the consumer's range. Warnings, not
   * failures: the consumer still runs (its calls answer 503 until it is satisfied).
   */
  contractProblems(): Array<{ plugin: string; problem: string }> {
    return contractProblemsOf(
      [...this.records.values()]
        .map((record) => record.manifest)
        .filter((manifest): manifest is ResolvedPluginManifest => manifest !== undefined),
    );
  }

  private warnAboutContracts(): void {
    for (const { plugin, problem } of this.contractProblems()) {
      this.log.warn({ plugin }, `Plugin "${plugin}" ${problem}`);
    }
  }

  /**
   * Reads one plugin folder's manifest into a record (a failed one when the manifest
   * is invalid or clashes with another plugin's name, prefix or UI tag).
   */
  private readRecord(
    root: string,
    stored: ReadonlyMap<string, boolean>,
    source: PluginSource,
  ): PluginRecord {
    // An installed package's folder is its version: it is named by the folder above.
    const parts = root.split(/[\\/]/);
    const folder = (source === "package" ? parts.at(-2) : parts.at(-1)) ?? root;
    let manifest: ResolvedPluginManifest;
    try {
      manifest = readManifest(root, this.kernel.cradle.kernelVersion);
      const clash = this.clashOf(manifest);
      if (clash) throw new ManifestError(root, clash, manifest.name);
    } catch (error) {
      const name =
        error instanceof ManifestError && error.pluginName && !this.records.has(error.pluginName)
          ? error.pluginName
          : folder;
      return this.addFailed(name, root, source, "manifest", error);
    }
    const enabledAtStart =
      stored.get(manifest.name) ??
      this.kernel.cradle.settings.plugins.switches[envNamespace(manifest.name)] ??
      manifest.enabledByDefault ??
      true;
    const record: PluginRecord = {
      name: manifest.name,
      root,
      source,
      manifest,
      state: "disabled",
      failure: undefined,
      definition: undefined,
      instance: undefined,
      enabledAtStart,
      wanted: enabledAtStart,
      stateSince: new Date(),
    };
    this.records.set(manifest.name, record);
    return record;
  }

  /** Why a manifest cannot join the plugins already known (name, prefix, UI tag), or undefined. */
  clashOf(manifest: ResolvedPluginManifest, except?: string): string | undefined {
    for (const other of this.records.values()) {
      if (!other.manifest || other.name === except) continue;
      if (other.name === manifest.name) return `another plugin is already named "${manifest.name}"`;
      if (other.manifest.prefix === manifest.prefix)
        return `prefix ${manifest.prefix} is taken by "${other.name}"`;
      if (manifest.ui && other.manifest.ui?.tag === manifest.ui.tag)
        return `UI tag <${manifest.ui.tag}> is taken by "${other.name}"`;
    }
    return undefined;
  }

  /** Starts every plugin switched on at start, in parallel; failures are recorded, not thrown. */
  async startEnabled(): Promise<void> {
    await this.exclusive(async () => {
      const wanted = [...this.records.values()].filter(
        (record) => record.enabledAtStart && record.manifest,
      );
      await Promise.all(wanted.map((record) => this.startRecord(record)));
      await this.publishRunning();
      for (const record of wanted)
        if (record.state === "enabled") this.announce(record, "plugin.enabled");
    });
  }

  list(): PluginRecord[] {
    return [...this.records.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  get(name: string): PluginRecord | undefined {
    return this.records.get(name);
  }

  running(): PluginInstance[] {
    return this.list().flatMap((record) =>
      record.state === "enabled" && record.instance ? [record.instance] : [],
    );
  }

  /**
   * Starts a plugin and remembers the choice. Answers (throws) 503 PLUGIN_FAILED when
   * the plugin does not end up running, with the step and the reason.
   */
  enable(name: string, changedBy?: string, options: SwitchOptions = {}): Promise<PluginRecord> {
    return this.exclusive(async () => {
      const record = this.require(name);
      if (!record.manifest)
        throw new ConflictError(
          `Plugin "${name}" cannot be enabled: ${record.failure?.message ?? "invalid manifest"}`,
        );
      record.wanted = true;
      if (options.remember !== false) await this.options.states?.save(name, true, changedBy);
      if (record.state === "enabled") return record;
      await this.startRecord(record);
      await this.publishRunning();
      if ((record.state as PluginState) !== "enabled") throw pluginFailedError(record);
      this.announce(record, "plugin.enabled");
      return record;
    });
  }

  disable(name: string, changedBy?: string, options: SwitchOptions = {}): Promise<PluginRecord> {
    return this.exclusive(async () => {
      const record = this.require(name);
      if (record.manifest) {
        record.wanted = false;
        if (options.remember !== false) await this.options.states?.save(name, false, changedBy);
      }
      if (record.state !== "enabled" || !record.instance) {
        if (record.state === "failed" && record.manifest) {
          this.setState(record, "disabled");
          await this.publishRunning(); // its prefix stops answering 503
        }
        return record;
      }
      const instance = record.instance;
      this.setState(record, "stopping");
      await this.publishRunning();
      await instance.stop();
      record.instance = undefined;
      this.setState(record, "disabled");
      this.log.info({ plugin: name }, "Plugin disabled");
      this.announce(record, "plugin.disabled");
      return record;
    });
  }

  /**
   * A new instance from the code already loaded (no new import). Normally the new
   * instance starts first and is swapped in without dropping requests; an `exclusive`
   * plugin is stopped first instead (never two instances at once).
   */
  reload(name: string): Promise<PluginRecord> {
    return this.exclusive(async () => {
      const record = this.require(name);
      if (
        record.state !== "enabled" ||
        !record.instance ||
        !record.manifest ||
        !record.definition
      ) {
        throw new ConflictError(`Plugin "${name}" is not running; enable it instead`);
      }
      const started = performance.now();
      if (record.definition.exclusive) {
        await this.restartExclusive(record);
      } else {
        const old = record.instance;
        let fresh: PluginInstance | undefined;
        try {
          fresh = await this.startInstance(record.manifest, record.definition);
          await this.verifyRoutes(fresh);
          record.instance = fresh;
          await this.publishRunning();
        } catch (error) {
          // The old instance keeps serving and is the only one left: a failed reload
          // (also one that fails while the routes are rebuilt) changes nothing.
          record.instance = old;
          await fresh?.stop();
          this.log.error(
            { plugin: name, err: error },
            "Plugin reload failed; the running instance stays",
          );
          throw new ConflictError(`Reload of "${name}" failed: ${(error as Error).message}`, {
            details: { plugin: name, reason: (error as Error).message },
          });
        }
        await old.stop();
        this.setState(record, "enabled");
      }
      this.log.info(
        { plugin: name, ms: Math.round(performance.now() - started) },
        "Plugin reloaded",
      );
      return record;
    });
  }

  /** Reload of an exclusive plugin: routes off, old instance stopped, then a fresh start. */
  private async restartExclusive(record: PluginRecord): Promise<void> {
    const old = record.instance;
    this.setState(record, "stopping");
    await this.publishRunning();
    await old?.stop();
    record.instance = undefined;
    await this.startRecord(record);
    await this.publishRunning();
    if ((record.state as PluginState) !== "enabled") {
      throw new ConflictError(
        `Reload of "${record.name}" failed: ${record.failure?.message ?? "unknown error"}`,
      );
    }
  }

  /**
   * Switches a plugin to the code in another folder (an installed package's new
   * version), or adds it when no plugin has its name: reads the manifest, imports the
   * code (a new folder is a new module URL), runs its migrations, starts it and checks
   * its routes, and only then switches routes, UI and services to it and stops the old
   * instance, as `reload` does. An exclusive plugin is stopped first. Any failure
   * leaves the old version as it was (serving, if it was) and throws a PluginStepError
   * naming the step. A plugin an administrator switched off gets the new code without
   * being started.
   */
  activate(root: string, source: PluginSource = "package"): Promise<ActivatedPlugin> {
    return this.exclusive(async () => {
      let manifest: ResolvedPluginManifest;
      try {
        manifest = readManifest(root, this.kernel.cradle.kernelVersion);
        const clash = this.clashOf(manifest, manifest.name);
        if (clash) throw new ManifestError(root, clash, manifest.name);
      } catch (error) {
        throw new PluginStepError("manifest", error);
      }
      const definition = await this.load(manifest);
      const existing = this.records.get(manifest.name);
      if (!existing)
        return {
          record: await this.addStarted(root, source, manifest, definition),
          previous: undefined,
        };
      const previous = existing.manifest;
      const before = { ...existing };
      const switchCode = () => {
        existing.root = root;
        existing.source = source;
        existing.manifest = manifest;
        existing.definition = definition;
      };
      const restoreCode = () => {
        existing.wanted = before.wanted;
        existing.root = before.root;
        existing.source = before.source;
        existing.manifest = before.manifest;
        existing.definition = before.definition;
      };
      const running = existing.state === "enabled" && existing.instance;
      if (!running) {
        switchCode();
        // A version whose manifest this kernel refused never had a wish of its own.
        if (!before.manifest) existing.wanted = true;
        if (!existing.wanted) return { record: existing, previous };
        await this.startRecord(existing);
        await this.publishRunning();
        if ((existing.state as PluginState) !== "enabled") {
          const failure = existing.failure;
          restoreCode();
          existing.failure = before.failure;
          this.setState(existing, before.state);
          await this.publishRunning();
          throw new PluginStepError(failure?.step ?? "start", new Error(failure?.message));
        }
        this.announce(existing, "plugin.enabled");
        return { record: existing, previous };
      }
      const old = existing.instance as PluginInstance;
      if (definition.exclusive || before.definition?.exclusive) {
        // Never two instances at once: off, old stopped, new started; the old again on failure.
        this.setState(existing, "stopping");
        await this.publishRunning();
        await old.stop();
        existing.instance = undefined;
        switchCode();
        await this.startRecord(existing);
        if ((existing.state as PluginState) !== "enabled") {
          const failure = existing.failure;
          restoreCode();
          await this.startRecord(existing);
          await this.publishRunning();
          throw new PluginStepError(failure?.step ?? "start", new Error(failure?.message));
        }
        await this.publishRunning();
        return { record: existing, previous };
      }
      let fresh: PluginInstance | undefined;
      try {
        fresh = await this.startInstance(manifest, definition);
        await this.verifyRoutes(fresh);
        switchCode();
        existing.instance = fresh;
        await this.publishRunning();
      } catch (error) {
        restoreCode();
        existing.instance = old;
        await fresh?.stop();
        this.log.error(
          { plugin: manifest.name, version: manifest.version, err: error },
          "Plugin upgrade failed; the running version stays",
        );
        throw error instanceof PluginStepError ? error : new PluginStepError("routes", error);
      }
      await old.stop();
      existing.failure = undefined;
      this.setState(existing, "enabled");
      this.log.info(
        { plugin: manifest.name, from: previous?.version, to: manifest.version },
        "Plugin switched to a new version",
      );
      return { record: existing, previous };
    });
  }

  /** A plugin new to this kernel, started at once (installing it says it is wanted). */
  private async addStarted(
    root: string,
    source: PluginSource,
    manifest: ResolvedPluginManifest,
    definition: AnyPluginDefinition,
  ): Promise<PluginRecord> {
    const record: PluginRecord = {
      name: manifest.name,
      root,
      source,
      manifest,
      state: "disabled",
      failure: undefined,
      definition,
      instance: undefined,
      enabledAtStart: true,
      wanted: true,
      stateSince: new Date(),
    };
    this.records.set(manifest.name, record);
    await this.startRecord(record);
    if ((record.state as PluginState) !== "enabled") {
      this.records.delete(manifest.name);
      const failure = record.failure;
      throw new PluginStepError(failure?.step ?? "start", new Error(failure?.message));
    }
    await this.publishRunning();
    this.announce(record, "plugin.enabled");
    return record;
  }

  /**
   * Takes a plugin away: its routes, UI and services go (and its 503 when it had
   * failed), its instance stops, and the kernel forgets it. Its data is not touched.
   */
  remove(name: string): Promise<PluginRecord> {
    return this.exclusive(async () => {
      const record = this.require(name);
      const instance = record.instance;
      this.records.delete(name);
      await this.publishRunning();
      if (instance) {
        this.setState(record, "stopping");
        await instance.stop();
        record.instance = undefined;
        this.announce(record, "plugin.disabled");
      }
      this.setState(record, "disabled");
      this.log.info({ plugin: name, root: record.root }, "Plugin removed");
      this.warnAboutContracts();
      return record;
    });
  }

  /**
   * A fault in a running plugin's own code outside a request (a timer that threw, a
   * promise it started that nobody caught): the plugin is marked failed, its routes
   * answer 503 with the reason, its instance is stopped, and the rest carries on.
   * Faults of a plugin that is no longer running are only logged.
   */
  faulted(name: string, error: unknown, origin: string): Promise<void> {
    this.log.error(
      { plugin: name, origin, err: error },
      `Plugin "${name}" failed outside a request (${origin})`,
    );
    return this.exclusive(async () => {
      const record = this.records.get(name);
      const instance = record?.instance;
      if (!record || !instance || record.state !== "enabled") return;
      this.fail(record, "run", error);
      await this.publishRunning();
      await instance.stop();
      this.announce(record, "plugin.disabled");
    });
  }

  /**
   * Reads the plugin folders again: new plugins are added (and started when switched
   * on), failed ones get their manifest read again and, when wanted, another start
   * (their code imported again if the import itself had failed), and stopped or failed
   * plugins whose folder is gone are dropped. Running plugins are left as they are.
   */
  rescan(): Promise<RescanResult> {
    return this.exclusive(async () => {
      const result: RescanResult = { added: [], retried: [], removed: [] };
      const stored = (await this.options.states?.load()) ?? new Map<string, boolean>();
      this.importGeneration += 1;
      const found = await this.roots();
      const roots = found.map((entry) => entry.root);
      for (const record of this.list()) {
        if (record.instance || roots.includes(record.root)) continue;
        this.records.delete(record.name);
        result.removed.push(record.name);
      }
      const toStart: PluginRecord[] = [];
      for (const { root, source } of found) {
        const known = this.list().find((record) => record.root === root);
        if (known && known.state !== "failed") continue;
        if (known) {
          this.records.delete(known.name);
          const record = this.readRecord(root, stored, source);
          if (record.manifest) {
            // A plugin whose manifest was unreadable never had a wish of its own.
            if (known.failure?.step !== "manifest") record.wanted = known.wanted;
            // Code that failed to import, or a new version on disk, is imported afresh.
            const sameCode =
              known.definition && known.manifest?.version === record.manifest.version;
            if (sameCode) record.definition = known.definition;
            else if (known.definition || known.failure?.step === "load")
              this.reimport.add(record.name);
            if (record.wanted) toStart.push(record);
          }
          result.retried.push(record.name);
        } else {
          const record = this.readRecord(root, stored, source);
          result.added.push(record.name);
          if (record.manifest && record.wanted) toStart.push(record);
        }
      }
      await Promise.all(toStart.map((record) => this.startRecord(record)));
      await this.publishRunning();
      for (const record of toStart)
        if (record.state === "enabled") this.announce(record, "plugin.enabled");
      this.log.info(result, "Plugin folders rescanned");
      this.warnAboutContracts();
      return result;
    });
  }

  /** Stops every running plugin (shutdown); the HTTP layer must already have stopped routing to them. */
  stopAll(): Promise<void> {
    return this.exclusive(async () => {
      const running = this.list().filter((record) => record.instance);
      await Promise.all(
        running.map(async (record) => {
          this.setState(record, "stopping");
          await record.instance?.stop();
          record.instance = undefined;
          this.setState(record, "disabled");
        }),
      );
    });
  }

  private async startRecord(record: PluginRecord): Promise<void> {
    const manifest = record.manifest;
    if (!manifest) return;
    const started = performance.now();
    this.setState(record, "starting");
    try {
      record.definition ??= await this.load(manifest);
      const instance = await this.startInstance(manifest, record.definition);
      try {
        await this.verifyRoutes(instance);
      } catch (error) {
        await instance.stop();
        throw error;
      }
      record.instance = instance;
      record.failure = undefined;
      this.setState(record, "enabled");
      this.log.info(
        {
          plugin: manifest.name,
          version: manifest.version,
          ms: Math.round(performance.now() - started),
        },
        "Plugin started",
      );
    } catch (error) {
      const step = error instanceof PluginStepError ? error.step : "start";
      this.fail(record, step, error instanceof PluginStepError ? error.original : error);
    }
  }

  /** A new instance, with the plugin's settings read again from the environment. */
  private startInstance(
    manifest: ResolvedPluginManifest,
    definition: AnyPluginDefinition,
  ): Promise<PluginInstance> {
    const env = this.options.readEnvironment?.() ?? this.kernel.cradle.settings.env;
    return PluginInstance.start(manifest, definition, this.kernel, env);
  }

  private async verifyRoutes(instance: PluginInstance): Promise<void> {
    try {
      await this.checkRoutes(instance);
    } catch (error) {
      throw new PluginStepError("routes", error);
    }
  }

  /** Imports the plugin's entry once; later reloads reuse the definition (ES modules cannot be unloaded). */
  private async load(manifest: ResolvedPluginManifest): Promise<AnyPluginDefinition> {
    let module: { default?: unknown };
    const url = pathToFileURL(`${manifest.root}/${manifest.entry}`);
    // A module that failed to import stays failed under its URL: after a rescan, import
    // the fixed files under a new one (a bounded leak, only for plugins that failed).
    if (this.reimport.delete(manifest.name)) url.search = `?rescan=${this.importGeneration}`;
    try {
      module = await import(url.href);
    } catch (error) {
      throw new PluginStepError("load", error);
    }
    if (!isPluginDefinition(module.default)) {
      throw new PluginStepError(
        "load",
        new Error(`${manifest.entry} must default-export definePlugin({...})`),
      );
    }
    fixRouteFiles(module.default, manifest.root);
    return module.default;
  }

  private async publishRunning(): Promise<void> {
    const unavailable = this.list().flatMap((record) =>
      record.state === "failed" && record.manifest && record.failure && record.wanted
        ? [{ name: record.name, prefix: record.manifest.prefix, failure: record.failure }]
        : [],
    );
    await this.publish(this.running(), unavailable);
  }

  private announce(record: PluginRecord, event: "plugin.enabled" | "plugin.disabled"): void {
    if (!record.manifest) return;
    const payload = { name: record.name, version: record.manifest.version };
    this.kernel.cradle.events.emit("kernel", `kernel.${event}`, payload);
  }

  private require(name: string): PluginRecord {
    const record = this.records.get(name);
    if (!record) throw new NotFoundError(`No plugin named "${name}"`);
    return record;
  }

  private addFailed(
    name: string,
    root: string,
    source: PluginSource,
    step: PluginStep,
    error: unknown,
  ): PluginRecord {
    const record: PluginRecord = {
      name,
      root,
      source,
      manifest: undefined,
      state: "failed",
      failure: undefined,
      definition: undefined,
      instance: undefined,
      enabledAtStart: false,
      wanted: false,
      stateSince: new Date(),
    };
    this.records.set(name, record);
    this.fail(record, step, error);
    return record;
  }

  private fail(record: PluginRecord, step: PluginStep, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    record.failure = { step, message, at: new Date().toISOString() };
    record.instance = undefined;
    this.setState(record, "failed");
    this.log.error(
      { plugin: record.name, step, err: error },
      `Plugin failed while it was at step "${step}": ${message}`,
    );
  }

  private setState(record: PluginRecord, state: PluginState): void {
    record.state = state;
    record.stateSince = new Date();
  }

  /** Runs plugin changes one at a time, in the order asked. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work, work);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

/** The contract warnings among a set of manifests (see `PluginManager.contractProblems`). */
export function contractProblemsOf(
  manifests: readonly ResolvedPluginManifest[],
): Array<{ plugin: string; problem: string }> {
  const emitted = new Set(["kernel.plugin.enabled", "kernel.plugin.disabled"]);
  const provided = new Map<string, { plugin: string; version: string }>();
  for (const manifest of manifests) {
    for (const id of manifest.emits ?? []) emitted.add(id);
    for (const [id, version] of Object.entries(manifest.provides ?? {}))
      provided.set(id, { plugin: manifest.name, version });
  }
  const problems: Array<{ plugin: string; problem: string }> = [];
  for (const manifest of manifests) {
    for (const id of manifest.subscribes ?? []) {
      if (!emitted.has(id)) {
        problems.push({
          plugin: manifest.name,
          problem: `subscribes to "${id}", which no installed plugin declares in roa2web.emits (misspelt, or its plugin is not installed)`,
        });
      }
    }
    for (const [id, range] of Object.entries(manifest.consumes ?? {})) {
      const provider = provided.get(id);
      if (!provider) {
        problems.push({
          plugin: manifest.name,
          problem: `consumes "${id}" ${range}, which no installed plugin provides`,
        });
      } else if (!semver.satisfies(provider.version, range)) {
        problems.push({
          plugin: manifest.name,
          problem: `consumes "${id}" ${range}, but plugin "${provider.plugin}" provides version ${provider.version}: calls will answer 503 until one of them is upgraded`,
        });
      }
    }
  }
  return problems;
}
