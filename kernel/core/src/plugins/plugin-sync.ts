/**
 * Kernels that share one database follow each other's plugin changes. An administrator
 * enables, disables or reloads a plugin through any kernel; that kernel applies it and
 * records it (plugin_states: the state, a revision counted up, its own id). Every other
 * kernel reads the rows every `intervalMs` and applies what it has not seen: a switch
 * becomes the same switch here (not recorded again), a reload of a running plugin a
 * reload here (its settings read again). A kernel never re-applies its own change, and
 * one just started takes the rows as they are (it started with that state).
 *
 * Polling, not a message bus: the state lives in the database already, a missed message
 * cannot leave a kernel behind, and a read of a handful of rows every two seconds costs
 * nothing next to the requests a kernel serves.
 *
 * Installed packages are followed in the same round (ADR 0033): the installer compares
 * the active version of each package with what this kernel serves and installs, upgrades
 * or removes to match.
 */
import type { Logger } from "pino";
import type { PluginStateRow, PluginStateStore } from "./plugin-state-store.js";

/** What the sync needs of the plugin manager. */
export interface SyncedPlugins {
  get(name: string): { state: string; manifest?: unknown } | undefined;
  enable(
    name: string,
    changedBy: string | undefined,
    options: { remember: false },
  ): Promise<unknown>;
  disable(
    name: string,
    changedBy: string | undefined,
    options: { remember: false },
  ): Promise<unknown>;
  reload(name: string): Promise<unknown>;
}

/** The packages' step of a round (PackageInstaller.follow, ADR 0033). */
export interface SyncedPackages {
  follow(): Promise<void>;
}

export interface PluginSyncOptions {
  store: Pick<PluginStateStore, "revisions">;
  /**
   * Installed packages to follow first in each round: a version installed, upgraded or
   * removed through another kernel is applied here before the states are.
   */
  packages?: SyncedPackages;
  plugins: SyncedPlugins;
  /** This kernel's id, as it records it on the rows it changes. */
  kernelId: string;
  intervalMs: number;
  logger: Pick<Logger, "info" | "warn">;
  /** True for a failure already reported elsewhere (the database lost): not logged each round. */
  reported?: (error: unknown) => boolean;
}

export class PluginSync {
  private readonly seen = new Map<string, PluginStateRow>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly options: PluginSyncOptions) {}

  /**
   * Takes the stored rows as already applied: call it before the plugin manager reads
   * the stored states at start, so a change made in between is followed, not missed.
   */
  async prime(): Promise<void> {
    for (const row of await this.options.store.revisions()) this.seen.set(row.name, row);
  }

  /** Follows changes every `intervalMs` from now on. */
  start(): void {
    this.timer = setInterval(() => {
      void this.follow();
    }, this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One round: applies every change made by another kernel since the last one. */
  follow(): Promise<void> {
    this.running ??= this.round().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async round(): Promise<void> {
    // Packages first: a plugin installed elsewhere must be here before its state is followed.
    try {
      await this.options.packages?.follow();
    } catch (error) {
      this.options.logger.warn(
        { err: error },
        "Could not follow the plugin packages of other kernels (will retry)",
      );
    }
    let rows: PluginStateRow[];
    try {
      rows = await this.options.store.revisions();
    } catch (error) {
      if (this.options.reported?.(error)) return;
      this.options.logger.warn(
        { err: error },
        "Could not read the plugins' state to follow other kernels (will retry)",
      );
      return;
    }
    for (const row of rows) {
      const before = this.seen.get(row.name);
      if (before && before.revision >= row.revision) continue;
      this.seen.set(row.name, row);
      if (row.changedByKernel === this.options.kernelId) continue;
      await this.apply(row);
    }
  }

  private async apply(row: PluginStateRow): Promise<void> {
    const { plugins, logger } = this.options;
    const local = plugins.get(row.name);
    if (!local?.manifest) return; // not installed here, or unreadable: nothing to follow
    const by = `kernel ${row.changedByKernel ?? "?"}`;
    const context = { plugin: row.name, revision: row.revision, from: row.changedByKernel };
    try {
      if (!row.enabled) {
        if (local.state === "enabled" || local.state === "failed") {
          await plugins.disable(row.name, by, { remember: false });
          logger.info(context, "Plugin disabled on another kernel: disabled here too");
        }
      } else if (local.state !== "enabled") {
        await plugins.enable(row.name, by, { remember: false });
        logger.info(context, "Plugin enabled on another kernel: enabled here too");
      } else {
        // Enabled here and there, and another kernel moved the revision: a reload. Not
        // inferred from `before`: when this kernel's own enable and another kernel's
        // reload land within one round, `before` is still the disable before both
        // (seen in a loaded CI run: the reload was never followed).
        await plugins.reload(row.name);
        logger.info(context, "Plugin reloaded on another kernel: reloaded here too");
      }
    } catch (error) {
      logger.warn(
        { ...context, err: error },
        "Could not follow another kernel's change of this plugin; it stays as it is here",
      );
    }
  }
}
