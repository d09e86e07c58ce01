/**
 * A plugin as the kernel knows it — its folder, manifest, loaded code, running instance
 * and state: read from its folder, checked against the others, and the state changes
 * that the manager, activation and removal share.
 */
import type { AnyPluginDefinition, ResolvedPluginManifest } from "@roa2web/plugin-sdk";
import type { KernelLogger } from "../logging/create-logger.js";
import { ManifestError, readManifest } from "./manifest.js";
import type { PluginInstance, PluginStep } from "./plugin-instance.js";

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

/** Called with the instances that should serve requests now (and the failed plugins whose prefix answers 503); resolves once they do and the old ones drained. */
export type RouteSetPublisher = (
  running: PluginInstance[],
  unavailable: UnavailablePlugin[],
) => Promise<void>;

/** Checks that a new instance's routes load (declare access, register cleanly) before it goes live. */
export type RouteCheck = (instance: PluginInstance) => Promise<void>;

/** A new record for a plugin whose manifest was read (not started). */
export function pluginRecord(
  manifest: ResolvedPluginManifest,
  root: string,
  source: PluginSource,
  enabledAtStart: boolean,
): PluginRecord {
  return {
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
}

export function setState(record: PluginRecord, state: PluginState): void {
  record.state = state;
  record.stateSince = new Date();
}

/** Marks the plugin failed at `step` (it has no instance any more) and logs why. */
export function failRecord(
  record: PluginRecord,
  step: PluginStep,
  error: unknown,
  log: KernelLogger,
): void {
  const message = error instanceof Error ? error.message : String(error);
  record.failure = { step, message, at: new Date().toISOString() };
  record.instance = undefined;
  setState(record, "failed");
  log.error(
    { plugin: record.name, step, err: error },
    `Plugin failed while it was at step "${step}": ${message}`,
  );
}

/** What reading a folder into a record needs to know of the kernel and the plugins already here. */
export interface RecordReading {
  kernelVersion: string;
  /** The stored choice, else MODULE_<NAME>_ENABLED, else the manifest's default. */
  enabledAtStart(manifest: ResolvedPluginManifest): boolean;
  /** Whether a plugin of this name is already known (a refused manifest is then named by its folder). */
  known(name: string): boolean;
  clashOf(manifest: ResolvedPluginManifest): string | undefined;
  log: KernelLogger;
}

/**
 * Reads one plugin folder's manifest into a record (a failed one when the manifest is
 * invalid or clashes with another plugin's name, prefix or UI tag). No code is imported.
 */
export function readPluginRecord(
  root: string,
  source: PluginSource,
  reading: RecordReading,
): PluginRecord {
  // An installed package's folder is its version: it is named by the folder above.
  const parts = root.split(/[\\/]/);
  const folder = (source === "package" ? parts.at(-2) : parts.at(-1)) ?? root;
  let manifest: ResolvedPluginManifest;
  try {
    manifest = readManifest(root, reading.kernelVersion);
    const clash = reading.clashOf(manifest);
    if (clash) throw new ManifestError(root, clash, manifest.name);
  } catch (error) {
    const name =
      error instanceof ManifestError && error.pluginName && !reading.known(error.pluginName)
        ? error.pluginName
        : folder;
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
    failRecord(record, "manifest", error, reading.log);
    return record;
  }
  return pluginRecord(manifest, root, source, reading.enabledAtStart(manifest));
}

/** Why a manifest cannot join `records` (name, prefix, UI tag), ignoring plugin `except`; undefined when it can. */
export function clashAmong(
  records: Iterable<PluginRecord>,
  manifest: ResolvedPluginManifest,
  except?: string,
): string | undefined {
  for (const other of records) {
    if (!other.manifest || other.name === except) continue;
    if (other.name === manifest.name) return `another plugin is already named "${manifest.name}"`;
    if (other.manifest.prefix === manifest.prefix)
      return `prefix ${manifest.prefix} is taken by "${other.name}"`;
    if (manifest.ui && other.manifest.ui?.tag === manifest.ui.tag)
      return `UI tag <${manifest.ui.tag}> is taken by "${other.name}"`;
  }
  return undefined;
}
