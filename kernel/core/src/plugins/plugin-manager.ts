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
  ConflictError,
  envNamespace,
  isPluginDefinition,
  NotFoundError,
  type PluginDefinition,
  type ResolvedPluginManifest,
} from "@roa2web/plugin-sdk";
import { discoverPluginRoots } from "./discover.js";
import { ManifestError, readManifest } from "./manifest.js";
import {
  type KernelShared,
  PluginInstance,
  type PluginStep,
  PluginStepError,
} from "./plugin-instance.js";

export type PluginState = "disabled" | "starting" | "enabled" | "stopping" | "failed";

export interface PluginFailure {
  step: PluginStep;
  message: string;
  at: string;
}

export interface PluginRecord {
  /** Plugin name, or the folder when the manifest could not be read. */
  name: string;
  root: string;
  manifest: ResolvedPluginManifest | undefined;
  state: PluginState;
  failure: PluginFailure | undefined;
  definition: PluginDefinition | undefined;
  instance: PluginInstance | undefined;
  /** What MODULE_<NAME>_ENABLED (or the manifest default) asked for at start. */
  enabledAtStart: boolean;
  stateSince: Date;
}

/** Called with the instances that should serve requests now; resolves once they do and the old ones drained. */
export type RouteSetPublisher = (running: PluginInstance[]) => Promise<void>;
/** Checks that a new instance's routes load (declare access, register cleanly) before it goes live. */
export type RouteCheck = (instance: PluginInstance) => Promise<void>;

export class PluginManager {
  private readonly records = new Map<string, PluginRecord>();
  private queue: Promise<unknown> = Promise.resolve();
  private publish: RouteSetPublisher = async () => undefined;
  private checkRoutes: RouteCheck = async () => undefined;

  /** The manager's own lines are the kernel's; plugins get children of the root logger. */
  private readonly log: KernelShared["logger"];

  constructor(private readonly shared: KernelShared) {
    this.log = shared.logger.child({ module: "kernel" });
  }

  /** Wires the HTTP layer in (the manager does not know about Fastify). */
  attachHttp(publish: RouteSetPublisher, checkRoutes: RouteCheck): void {
    this.publish = publish;
    this.checkRoutes = checkRoutes;
  }

  /** Reads every manifest and imports the code of plugins that are switched on. */
  async discover(): Promise<void> {
    const seenUiTags = new Map<string, string>();
    const seenPrefixes = new Map<string, string>();
    for (const root of discoverPluginRoots(this.shared.settings.plugins.directories)) {
      const folder = root.split(/[\\/]/).pop() ?? root;
      let manifest: ResolvedPluginManifest;
      try {
        manifest = readManifest(root, this.shared.kernelVersion);
        const clash =
          (this.records.has(manifest.name) &&
            `another plugin is already named "${manifest.name}"`) ||
          (seenPrefixes.has(manifest.prefix) &&
            `prefix ${manifest.prefix} is taken by "${seenPrefixes.get(manifest.prefix)}"`) ||
          (manifest.ui &&
            seenUiTags.has(manifest.ui.tag) &&
            `UI tag <${manifest.ui.tag}> is taken by "${seenUiTags.get(manifest.ui.tag)}"`);
        if (clash) throw new ManifestError(root, clash, manifest.name);
      } catch (error) {
        const name =
          error instanceof ManifestError && error.pluginName && !this.records.has(error.pluginName)
            ? error.pluginName
            : folder;
        this.addFailed(name, root, "manifest", error);
        continue;
      }
      seenPrefixes.set(manifest.prefix, manifest.name);
      if (manifest.ui) seenUiTags.set(manifest.ui.tag, manifest.name);
      const enabledAtStart =
        this.shared.settings.plugins.switches[envNamespace(manifest.name)] ??
        manifest.enabledByDefault ??
        true;
      this.records.set(manifest.name, {
        name: manifest.name,
        root,
        manifest,
        state: "disabled",
        failure: undefined,
        definition: undefined,
        instance: undefined,
        enabledAtStart,
        stateSince: new Date(),
      });
    }
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

  enable(name: string): Promise<PluginRecord> {
    return this.exclusive(async () => {
      const record = this.require(name);
      if (record.state === "enabled") return record;
      if (!record.manifest)
        throw new ConflictError(
          `Plugin "${name}" cannot be enabled: ${record.failure?.message ?? "invalid manifest"}`,
        );
      await this.startRecord(record);
      if ((record.state as PluginState) === "enabled") {
        await this.publishRunning();
        this.announce(record, "plugin.enabled");
      }
      return record;
    });
  }

  disable(name: string): Promise<PluginRecord> {
    return this.exclusive(async () => {
      const record = this.require(name);
      if (record.state !== "enabled" || !record.instance) {
        if (record.state === "failed" && record.manifest) this.setState(record, "disabled");
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
        let fresh: PluginInstance;
        try {
          fresh = await PluginInstance.start(record.manifest, record.definition, this.shared);
          await this.verifyRoutes(fresh);
        } catch (error) {
          // The old instance keeps serving: a failed reload changes nothing.
          this.log.error(
            { plugin: name, err: error },
            "Plugin reload failed; the running instance stays",
          );
          throw new ConflictError(`Reload of "${name}" failed: ${(error as Error).message}`);
        }
        record.instance = fresh;
        await this.publishRunning();
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
      const instance = await PluginInstance.start(manifest, record.definition, this.shared);
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

  private async verifyRoutes(instance: PluginInstance): Promise<void> {
    try {
      await this.checkRoutes(instance);
    } catch (error) {
      throw new PluginStepError("routes", error);
    }
  }

  /** Imports the plugin's entry once; later reloads reuse the definition (ES modules cannot be unloaded). */
  private async load(manifest: ResolvedPluginManifest): Promise<PluginDefinition> {
    let module: { default?: unknown };
    try {
      module = await import(pathToFileURL(`${manifest.root}/${manifest.entry}`).href);
    } catch (error) {
      throw new PluginStepError("load", error);
    }
    if (!isPluginDefinition(module.default)) {
      throw new PluginStepError(
        "load",
        new Error(`${manifest.entry} must default-export definePlugin({...})`),
      );
    }
    return module.default;
  }

  private async publishRunning(): Promise<void> {
    await this.publish(this.running());
  }

  private announce(record: PluginRecord, event: "plugin.enabled" | "plugin.disabled"): void {
    if (record.manifest)
      this.shared.events.emit("kernel", event, {
        name: record.name,
        version: record.manifest.version,
      });
  }

  private require(name: string): PluginRecord {
    const record = this.records.get(name);
    if (!record) throw new NotFoundError(`No plugin named "${name}"`);
    return record;
  }

  private addFailed(name: string, root: string, step: PluginStep, error: unknown): void {
    const record: PluginRecord = {
      name,
      root,
      manifest: undefined,
      state: "failed",
      failure: undefined,
      definition: undefined,
      instance: undefined,
      enabledAtStart: false,
      stateSince: new Date(),
    };
    this.records.set(name, record);
    this.fail(record, step, error);
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
