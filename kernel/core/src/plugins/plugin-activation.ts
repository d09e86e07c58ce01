/**
 * Brings plugin code into service: imports a plugin's entry, starts an instance (its
 * migrations run first), probes its routes, and swaps it in — for a start, a reload
 * (the code already loaded) and the activation of another folder (an installed
 * package's new version). A failed swap leaves what served before serving and names
 * the step. The plugin manager runs each of these in its queue; nothing here queues.
 */
import { pathToFileURL } from "node:url";
import {
  type AnyPluginDefinition,
  ConflictError,
  isPluginDefinition,
  type ResolvedPluginManifest,
} from "@roa2web/plugin-sdk";
import type { KernelContainer } from "../kernel-cradle.js";
import type { KernelLogger } from "../logging/create-logger.js";
import { ManifestError, readManifest } from "./manifest.js";
import { fixRouteFiles, PluginInstance, PluginStepError } from "./plugin-instance.js";
import {
  failRecord,
  type PluginRecord,
  type PluginSource,
  type PluginState,
  pluginRecord,
  setState,
} from "./plugin-record.js";

/** The plugins the manager knows, as activation may read and change them. */
export interface PluginRegistry {
  get(name: string): PluginRecord | undefined;
  add(record: PluginRecord): void;
  delete(name: string): void;
  /** Why a manifest cannot join the plugins already known (name, prefix, UI tag), ignoring `except`. */
  clashOf(manifest: ResolvedPluginManifest, except?: string): string | undefined;
}

/** What activation needs of the kernel and of the manager. */
export interface ActivationContext {
  kernel: KernelContainer;
  log: KernelLogger;
  /** Reads the environment again, so each new instance gets the plugin's current settings. */
  readEnvironment?: () => Readonly<Record<string, string>>;
  registry: PluginRegistry;
  /** Serves the running set (routes, UI, services); resolves once the old generation drained. */
  publishRunning(): Promise<void>;
  /** Probes a new instance's routes before it goes live. */
  checkRoutes(instance: PluginInstance): Promise<void>;
  announce(record: PluginRecord, event: "plugin.enabled" | "plugin.disabled"): void;
}

/** What switching a plugin to a new folder did. */
export interface ActivatedPlugin {
  record: PluginRecord;
  /** The manifest of the version that served before, if any. */
  previous: ResolvedPluginManifest | undefined;
}

export class PluginActivation {
  /** Bumped by each rescan: a module that failed to import is imported again under a new URL. */
  private importGeneration = 0;
  private readonly reimport = new Set<string>();

  constructor(private readonly context: ActivationContext) {}

  /** A rescan begins: code marked by `importAfresh` from now on gets a URL not used before. */
  nextImportGeneration(): void {
    this.importGeneration += 1;
  }

  /** The plugin's code is imported again at its next start (it failed to import, or changed on disk). */
  importAfresh(name: string): void {
    this.reimport.add(name);
  }

  /** Imports (once) and starts the plugin; a failure is recorded on it, not thrown. */
  async start(record: PluginRecord): Promise<void> {
    const manifest = record.manifest;
    if (!manifest) return;
    const started = performance.now();
    setState(record, "starting");
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
      setState(record, "enabled");
      this.context.log.info(
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

  /**
   * A new instance of a running plugin from the code already loaded (no new import).
   * Normally the new instance starts first and is swapped in without dropping requests;
   * an `exclusive` plugin is stopped first instead (never two instances at once).
   */
  async reload(record: PluginRecord): Promise<void> {
    const { instance: old, manifest, definition } = record;
    if (record.state !== "enabled" || !old || !manifest || !definition) {
      throw new ConflictError(`Plugin "${record.name}" is not running; enable it instead`);
    }
    if (definition.exclusive) {
      await this.restartExclusive(record);
      return;
    }
    let fresh: PluginInstance | undefined;
    try {
      fresh = await this.startInstance(manifest, definition);
      await this.verifyRoutes(fresh);
      record.instance = fresh;
      await this.context.publishRunning();
    } catch (error) {
      // The old instance keeps serving and is the only one left: a failed reload
      // (also one that fails while the routes are rebuilt) changes nothing.
      record.instance = old;
      await fresh?.stop();
      this.context.log.error(
        { plugin: record.name, err: error },
        "Plugin reload failed; the running instance stays",
      );
      throw new ConflictError(`Reload of "${record.name}" failed: ${(error as Error).message}`, {
        details: { plugin: record.name, reason: (error as Error).message },
      });
    }
    await old.stop();
    setState(record, "enabled");
  }

  /** Reload of an exclusive plugin: routes off, old instance stopped, then a fresh start. */
  private async restartExclusive(record: PluginRecord): Promise<void> {
    const old = record.instance;
    setState(record, "stopping");
    await this.context.publishRunning();
    await old?.stop();
    record.instance = undefined;
    await this.start(record);
    await this.context.publishRunning();
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
  async activate(root: string, source: PluginSource): Promise<ActivatedPlugin> {
    const { registry, log } = this.context;
    let manifest: ResolvedPluginManifest;
    try {
      manifest = readManifest(root, this.context.kernel.cradle.kernelVersion);
      const clash = registry.clashOf(manifest, manifest.name);
      if (clash) throw new ManifestError(root, clash, manifest.name);
    } catch (error) {
      throw new PluginStepError("manifest", error);
    }
    const definition = await this.load(manifest);
    const existing = registry.get(manifest.name);
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
      await this.start(existing);
      await this.context.publishRunning();
      if ((existing.state as PluginState) !== "enabled") {
        const failure = existing.failure;
        restoreCode();
        existing.failure = before.failure;
        setState(existing, before.state);
        await this.context.publishRunning();
        throw new PluginStepError(failure?.step ?? "start", new Error(failure?.message));
      }
      this.context.announce(existing, "plugin.enabled");
      return { record: existing, previous };
    }
    const old = existing.instance as PluginInstance;
    if (definition.exclusive || before.definition?.exclusive) {
      // Never two instances at once: off, old stopped, new started; the old again on failure.
      setState(existing, "stopping");
      await this.context.publishRunning();
      await old.stop();
      existing.instance = undefined;
      switchCode();
      await this.start(existing);
      if ((existing.state as PluginState) !== "enabled") {
        const failure = existing.failure;
        restoreCode();
        await this.start(existing);
        await this.context.publishRunning();
        throw new PluginStepError(failure?.step ?? "start", new Error(failure?.message));
      }
      await this.context.publishRunning();
      return { record: existing, previous };
    }
    let fresh: PluginInstance | undefined;
    try {
      fresh = await this.startInstance(manifest, definition);
      await this.verifyRoutes(fresh);
      switchCode();
      existing.instance = fresh;
      await this.context.publishRunning();
    } catch (error) {
      restoreCode();
      existing.instance = old;
      await fresh?.stop();
      log.error(
        { plugin: manifest.name, version: manifest.version, err: error },
        "Plugin upgrade failed; the running version stays",
      );
      throw error instanceof PluginStepError ? error : new PluginStepError("routes", error);
    }
    await old.stop();
    existing.failure = undefined;
    setState(existing, "enabled");
    log.info(
      { plugin: manifest.name, from: previous?.version, to: manifest.version },
      "Plugin switched to a new version",
    );
    return { record: existing, previous };
  }

  /** A plugin new to this kernel, started at once (installing it says it is wanted). */
  private async addStarted(
    root: string,
    source: PluginSource,
    manifest: ResolvedPluginManifest,
    definition: AnyPluginDefinition,
  ): Promise<PluginRecord> {
    const record = pluginRecord(manifest, root, source, true);
    record.definition = definition;
    this.context.registry.add(record);
    await this.start(record);
    if ((record.state as PluginState) !== "enabled") {
      this.context.registry.delete(manifest.name);
      const failure = record.failure;
      throw new PluginStepError(failure?.step ?? "start", new Error(failure?.message));
    }
    await this.context.publishRunning();
    this.context.announce(record, "plugin.enabled");
    return record;
  }

  /** A new instance, with the plugin's settings read again from the environment. */
  private startInstance(
    manifest: ResolvedPluginManifest,
    definition: AnyPluginDefinition,
  ): Promise<PluginInstance> {
    const { kernel, readEnvironment } = this.context;
    const env = readEnvironment?.() ?? kernel.cradle.settings.env;
    return PluginInstance.start(manifest, definition, kernel, env);
  }

  private async verifyRoutes(instance: PluginInstance): Promise<void> {
    try {
      await this.context.checkRoutes(instance);
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

  private fail(record: PluginRecord, step: PluginStepError["step"], error: unknown): void {
    failRecord(record, step, error, this.context.log);
  }
}
