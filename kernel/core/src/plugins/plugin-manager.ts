/**
 * The plugins of this kernel: discovers their folders and reads their manifests, keeps
 * the registry of records and instances, and runs every change of the set (start,
 * enable, disable, reload, activation of a new version, removal, rescan) one at a time
 * in one queue. How code comes into service is `plugin-activation.ts`; how a plugin goes
 * is `plugin-removal.ts`. Every change of the running set is published through the
 * HTTP layer's publisher, and the manager waits for it before it stops an instance, so
 * requests in flight always finish on the instance that accepted them.
 *
 * Failures are contained: a plugin that fails any step is marked `failed` with the
 * step and reason, and the kernel and the other plugins carry on.
 */
import {
  ConflictError,
  envNamespace,
  NotFoundError,
  type ResolvedPluginManifest,
  RoaError,
} from "@roa2web/plugin-sdk";
import type { KernelContainer } from "../kernel-cradle.js";
import type { KernelLogger } from "../logging/create-logger.js";
import { contractProblemsOf } from "./contract-problems.js";
import { pluginFolders } from "./discover.js";
import { type ActivatedPlugin, PluginActivation } from "./plugin-activation.js";
import type { PluginInstance } from "./plugin-instance.js";
import {
  clashAmong,
  failRecord,
  type PluginRecord,
  type PluginSource,
  type PluginState,
  type RouteCheck,
  type RouteSetPublisher,
  readPluginRecord,
  setState,
} from "./plugin-record.js";
import { removePlugin } from "./plugin-removal.js";
import type { PluginStateStore } from "./plugin-state-store.js";

export type { ActivatedPlugin } from "./plugin-activation.js";
export type {
  PluginFailure,
  PluginRecord,
  PluginSource,
  PluginState,
  RouteCheck,
  RouteSetPublisher,
  UnavailablePlugin,
} from "./plugin-record.js";

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

export interface PluginManagerOptions {
  /** Keeps enable/disable choices across restarts; without it they last until the process ends. */
  states?: PluginStateStore;
  /** Reads the environment again, so that enable and reload pick up changed plugin settings. */
  readEnvironment?: () => Readonly<Record<string, string>>;
  /** The folders of the installed packages' active versions (read at discovery and each rescan). */
  packageRoots?: () => Promise<string[]>;
}

/**
 * The plugins as a package change sees them inside the manager's queue: what it reads
 * (to verify a package) cannot change before what it does (activate, remove) is done.
 */
export interface PluginChange {
  list(): PluginRecord[];
  get(name: string): PluginRecord | undefined;
  /** Why a manifest cannot join the plugins here (name, prefix, UI tag), ignoring `except`. */
  clashOf(manifest: ResolvedPluginManifest, except?: string): string | undefined;
  /** Switches plugin `manifest.name` to the code in `root`, or adds it (see `PluginActivation.activate`). */
  activate(root: string, source?: PluginSource): Promise<ActivatedPlugin>;
  /** Takes the plugin away (routes, UI, services) and stops it; its data is not touched. */
  remove(name: string): Promise<PluginRecord>;
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
  private queue: Promise<unknown> = Promise.resolve();
  private publish: RouteSetPublisher = async () => undefined;
  private checkRoutes: RouteCheck = async () => undefined;
  private readonly activation: PluginActivation;
  /** What a queued change may do; handed to `change` callers, never used outside the queue. */
  private readonly inQueue: PluginChange;

  /** The manager's own lines are the kernel's; plugins get children of the root logger. */
  private readonly log: KernelLogger;

  constructor(
    private readonly kernel: KernelContainer,
    private readonly options: PluginManagerOptions = {},
  ) {
    this.log = kernel.cradle.logger.child({ module: "kernel" });
    const publishRunning = () => this.publishRunning();
    const announce = this.announce.bind(this);
    this.activation = new PluginActivation({
      kernel,
      log: this.log,
      readEnvironment: options.readEnvironment,
      registry: {
        get: (name) => this.records.get(name),
        add: (record) => this.records.set(record.name, record),
        delete: (name) => this.records.delete(name),
        clashOf: (manifest, except) => this.clashOf(manifest, except),
      },
      publishRunning,
      checkRoutes: (instance) => this.checkRoutes(instance),
      announce,
    });
    this.inQueue = {
      list: () => this.list(),
      get: (name) => this.get(name),
      clashOf: (manifest, except) => this.clashOf(manifest, except),
      activate: (root, source = "package") => this.activation.activate(root, source),
      remove: (name) =>
        removePlugin(this.require(name), {
          log: this.log,
          forget: (gone) => this.records.delete(gone),
          publishRunning,
          announce,
          warnAboutContracts: () => this.warnAboutContracts(),
        }),
    };
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

  /** Every plugin folder with where it came from (see `pluginFolders`). */
  private async roots(): Promise<Array<{ root: string; source: PluginSource }>> {
    const packages = (await this.options.packageRoots?.()) ?? [];
    return pluginFolders(this.kernel.cradle.settings.plugins.directories, packages);
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

  /** Reads one plugin folder into a record and registers it (a failed one when its manifest is refused). */
  private readRecord(
    root: string,
    stored: ReadonlyMap<string, boolean>,
    source: PluginSource,
  ): PluginRecord {
    const record = readPluginRecord(root, source, {
      kernelVersion: this.kernel.cradle.kernelVersion,
      enabledAtStart: (manifest) =>
        stored.get(manifest.name) ??
        this.kernel.cradle.settings.plugins.switches[envNamespace(manifest.name)] ??
        manifest.enabledByDefault ??
        true,
      known: (name) => this.records.has(name),
      clashOf: (manifest) => this.clashOf(manifest),
      log: this.log,
    });
    this.records.set(record.name, record);
    return record;
  }

  /** Why a manifest cannot join the plugins already known (name, prefix, UI tag), or undefined. */
  clashOf(manifest: ResolvedPluginManifest, except?: string): string | undefined {
    return clashAmong(this.records.values(), manifest, except);
  }

  /** Starts every plugin switched on at start, in parallel; failures are recorded, not thrown. */
  async startEnabled(): Promise<void> {
    await this.exclusive(async () => {
      const wanted = [...this.records.values()].filter(
        (record) => record.enabledAtStart && record.manifest,
      );
      await Promise.all(wanted.map((record) => this.activation.start(record)));
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
      await this.activation.start(record);
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
          setState(record, "disabled");
          await this.publishRunning(); // its prefix stops answering 503
        }
        return record;
      }
      const instance = record.instance;
      setState(record, "stopping");
      await this.publishRunning();
      await instance.stop();
      record.instance = undefined;
      setState(record, "disabled");
      this.log.info({ plugin: name }, "Plugin disabled");
      this.announce(record, "plugin.disabled");
      return record;
    });
  }

  /** A new instance of a running plugin from the code already loaded, swapped in (see `PluginActivation.reload`). */
  reload(name: string): Promise<PluginRecord> {
    return this.exclusive(async () => {
      const record = this.require(name);
      const started = performance.now();
      await this.activation.reload(record);
      this.log.info(
        { plugin: name, ms: Math.round(performance.now() - started) },
        "Plugin reloaded",
      );
      return record;
    });
  }

  /** Switches a plugin to the code in another folder, or adds it (see `PluginActivation.activate`). */
  activate(root: string, source: PluginSource = "package"): Promise<ActivatedPlugin> {
    return this.change((plugins) => plugins.activate(root, source));
  }

  /**
   * Takes a plugin away: its routes, UI and services go (and its 503 when it had
   * failed), its instance stops, and the kernel forgets it. Its data is not touched.
   */
  remove(name: string): Promise<PluginRecord> {
    return this.change((plugins) => plugins.remove(name));
  }

  /**
   * Runs `work` as one step of the queue: no enable, disable, reload, rescan or other
   * change runs between what it reads of the plugins and what it does to them (a
   * package install verifies the name, prefix and UI tag and activates in one step).
   * Inside `work`, use `plugins`, never the manager's own methods: those queue behind
   * this step and would wait for it forever.
   */
  change<T>(work: (plugins: PluginChange) => Promise<T>): Promise<T> {
    return this.exclusive(() => work(this.inQueue));
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
      failRecord(record, "run", error, this.log);
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
      this.activation.nextImportGeneration();
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
              this.activation.importAfresh(record.name);
            if (record.wanted) toStart.push(record);
          }
          result.retried.push(record.name);
        } else {
          const record = this.readRecord(root, stored, source);
          result.added.push(record.name);
          if (record.manifest && record.wanted) toStart.push(record);
        }
      }
      await Promise.all(toStart.map((record) => this.activation.start(record)));
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
          setState(record, "stopping");
          await record.instance?.stop();
          record.instance = undefined;
          setState(record, "disabled");
        }),
      );
    });
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

  /** Runs plugin changes one at a time, in the order asked. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work, work);
    this.queue = result.catch(() => undefined);
    return result;
  }
}
