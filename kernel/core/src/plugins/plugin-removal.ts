/**
 * Takes a plugin out of the kernel: its routes, UI and services go first (and its 503
 * when it had failed), then its instance stops and the kernel forgets it. Its data stays
 * unless an uninstall asks for a purge. The plugin manager runs removal in its queue.
 */
import { rmSync } from "node:fs";
import path from "node:path";
import type { KernelLogger } from "../logging/create-logger.js";
import { type PluginRecord, setState } from "./plugin-record.js";

/** What removal needs of the manager. */
export interface RemovalContext {
  log: KernelLogger;
  /** Drops the plugin from the manager's registry. */
  forget(name: string): void;
  /** Serves the running set without it; resolves once requests in flight on it finished. */
  publishRunning(): Promise<void>;
  announce(record: PluginRecord, event: "plugin.enabled" | "plugin.disabled"): void;
  /** Says which plugins lost a service or an event they declared they use. */
  warnAboutContracts(): void;
}

export async function removePlugin(
  record: PluginRecord,
  context: RemovalContext,
): Promise<PluginRecord> {
  const instance = record.instance;
  context.forget(record.name);
  await context.publishRunning();
  if (instance) {
    setState(record, "stopping");
    await instance.stop();
    record.instance = undefined;
    context.announce(record, "plugin.disabled");
  }
  setState(record, "disabled");
  context.log.info({ plugin: record.name, root: record.root }, "Plugin removed");
  context.warnAboutContracts();
  return record;
}

/** Deletes a plugin's data (its database and files under DATA_DIR/plugins/<name>/). */
export function purgePluginData(dataDir: string, name: string): void {
  rmSync(path.join(dataDir, "plugins", name), { recursive: true, force: true });
}
