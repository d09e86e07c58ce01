/**
 * Installs, upgrades and removes plugin packages while the kernel runs: open and
 * verify the archive (package-verification.ts), unpack it into its versioned folder,
 * hand the plan to the activator, record the outcome. A failure at any step leaves
 * the version that served before serving, removes the new folder and records why
 * (ADR 0024).
 */
import { createHash } from "node:crypto";
import { existsSync, rmSync } from "node:fs";
import { ConflictError, NotFoundError, RoaError } from "@roa2web/plugin-sdk";
import type { KernelLogger } from "../logging/create-logger.js";
import type { KernelSupervisor, ReportedPlugin } from "../supervisor/protocol.js";
import type {
  InstalledPackage,
  KernelOutcome,
  PackageRows,
  PackageStore,
} from "./package-store.js";
import {
  type OpenedPluginPackage,
  PackageRefusedError,
  type VerifiedPackage,
  verifyPackage,
} from "./package-verification.js";
import { PluginStepError } from "./plugin-instance.js";
import type { PluginChange, PluginManager, PluginRecord } from "./plugin-manager.js";
import { purgePluginData } from "./plugin-removal.js";

/** What the activator is asked to do: make `root` the code of plugin `name`. */
export interface ActivationPlan {
  name: string;
  version: string;
  /** The unpacked, verified folder of the new version. */
  root: string;
  /** The version serving now, if any (its folder stays until the switch succeeded). */
  previousVersion: string | undefined;
  kind: VerifiedPackage["kind"];
}

/**
 * Records the outcome in the package store; the activator decides when: after the
 * switch in-process, before the hand-over (the new kernel process reads what is
 * active when it starts).
 */
export interface ActivationRecord {
  /** The new version becomes active, the serving one previous; older versions stay until `settle`. */
  record(): Promise<void>;
  /** Once the new version serves: versions older than the previous one are deleted; returns their folders. */
  settle(): Promise<string[]>;
  /** Undoes `record` after a hand-over that was not committed: every row as it was before. */
  revert(): Promise<void>;
}

export interface ActivationOutcome {
  /** In-process: the plugin's record in this kernel. */
  record?: PluginRecord;
  /** Handed over: the new kernel process's view of the plugin (its admin API's). */
  reported?: ReportedPlugin;
  deletedVersions: string[];
}

/**
 * Makes a verified version serve: in-process (the plugin manager imports the new folder
 * and swaps it in) or, under the supervisor, as a hand-over to a fresh kernel process
 * that starts with the new version (ADR 0025), so replaced code is dropped with the old
 * process. Throws a PluginStepError naming the step that failed, and leaves the
 * previous version serving.
 */
export interface PackageActivator {
  /** Runs inside the plugin manager's queue: `plugins` is the manager's in-queue view. */
  activate(
    plan: ActivationPlan,
    outcome: ActivationRecord,
    plugins: PluginChange,
  ): Promise<ActivationOutcome>;
  /** Takes the plugin away (routes, UI, services) and stops it. */
  deactivate(name: string, plugins: PluginChange): Promise<void>;
  /** True once this process handed over to a new one: it follows no more changes. */
  retired?(): boolean;
}

export function inProcessActivator(): PackageActivator {
  return {
    async activate(plan, outcome, plugins) {
      const { record } = await plugins.activate(plan.root, "package");
      await outcome.record();
      return { record, deletedVersions: await outcome.settle() };
    },
    deactivate: async (name, plugins) => {
      await plugins.remove(name);
    },
  };
}

/**
 * Under the supervisor: the new version is recorded as active, then a fresh kernel
 * process starts with it and is committed only if the plugin runs there at that
 * version; otherwise the record is undone and this process keeps serving the version
 * before. Removal stays in-process (it loads no code).
 */
export function handOverActivator(supervisor: KernelSupervisor): PackageActivator {
  let handedOver = false;
  return {
    retired: () => handedOver,
    async activate(plan, outcome) {
      await outcome.record();
      const result = await supervisor.handOver({
        reason: `${plan.kind} of ${plan.name} to ${plan.version}`,
        expect: { plugin: plan.name, version: plan.version },
      });
      if (!result.ok) {
        await outcome.revert();
        throw new PluginStepError("start", new Error(result.reason));
      }
      handedOver = true;
      const reported = result.plugins.find((entry) => entry.name === plan.name);
      // Only now that the new process serves: a hand-over that is not committed must
      // find the version kept for a rollback (row and folder) where it was.
      return { reported, deletedVersions: await outcome.settle() };
    },
    deactivate: async (name, plugins) => {
      await plugins.remove(name);
    },
  };
}

/** Opens and verifies an archive's hashes and signature (s9-pack's `openPackage`, bound to the kernel's keys). */
export type PackageOpener = (archive: Buffer) => Promise<OpenedPluginPackage>;

export interface InstallResult extends VerifiedPackage {
  /** The plugin in this kernel (in-process activation). */
  plugin: PluginRecord | undefined;
  /** The new kernel process's view of the plugin (activated by a hand-over). */
  reported: ReportedPlugin | undefined;
  signature: { keyId: string; trusted: boolean } | undefined;
  sha256: string;
  /** Folders of versions deleted now that this one serves (older than the previous). */
  deletedVersions: string[];
}

export interface PackageInstallerOptions {
  store: PackageStore;
  plugins: PluginManager;
  activator: PackageActivator;
  open: PackageOpener;
  production: boolean;
  kernelVersion: string;
  dataDir: string;
  logger: KernelLogger;
}

export class PackageInstaller {
  private queue: Promise<unknown> = Promise.resolve();
  /** Folders whose code was imported in this process: a retry of the version unpacks elsewhere. */
  private readonly usedFolders = new Set<string>();
  /**
   * Versions this kernel could not install from the shared store (`<version>@<sha256>`
   * per plugin), with why: not tried again every round, only when another version is
   * wanted or at the next start.
   */
  private readonly unreachable = new Map<string, { key: string; why: string }>();

  constructor(private readonly options: PackageInstallerOptions) {}

  install(archive: Buffer, request: { force?: boolean; by?: string } = {}): Promise<InstallResult> {
    return this.exclusive(() => this.installNow(archive, request));
  }

  private async installNow(
    archive: Buffer,
    request: { force?: boolean; by?: string },
  ): Promise<InstallResult> {
    const sha256 = createHash("sha256").update(archive).digest("hex");
    const opened = await this.options.open(archive).catch((error: unknown) => {
      throw refusalOf(error);
    });
    try {
      // Verification reads the plugins here (names, prefixes, UI tags); it and the
      // activation are one step of the plugin manager's queue, so no rescan, enable or
      // other change slips in between.
      return await this.options.plugins.change((plugins) =>
        this.verifyAndActivate(opened, archive, sha256, plugins, request),
      );
    } finally {
      await opened.dispose().catch(() => undefined);
    }
  }

  private async verifyAndActivate(
    opened: OpenedPluginPackage,
    archive: Buffer,
    sha256: string,
    plugins: PluginChange,
    { force = false, by }: { force?: boolean; by?: string },
  ): Promise<InstallResult> {
    const { store, logger } = this.options;
    let folder: string | undefined;
    let unpacked = false;
    let serving = false;
    try {
      const installed = await store.versionsOf(opened.name);
      const verified = verifyPackage(opened, {
        production: this.options.production,
        kernelVersion: this.options.kernelVersion,
        plugins: plugins.list(),
        clashOf: (manifest, except) => plugins.clashOf(manifest, except),
        installed,
        sha256,
        force,
      });
      const kept = installed.find(
        (row) => row.version === opened.version && row.status === "previous",
      );
      // The version kept for a rollback serves from this kernel's folder of it, if it has one.
      const keptFolder = kept && store.localFolder(opened.name, opened.version);
      folder = keptFolder ?? this.freshFolder(opened.name, opened.version, sha256);
      if (!keptFolder) {
        store.prepare();
        await opened.extractTo(folder);
        unpacked = true;
      }
      const row = {
        name: opened.name,
        version: opened.version,
        folder,
        sha256,
        signerKeyId: opened.signature?.keyId,
        trusted: opened.signature?.trusted ?? false,
        installedBy: by,
        installedAt: new Date().toISOString(),
      };
      let activated: ActivationOutcome;
      try {
        this.usedFolders.add(folder);
        activated = await this.options.activator.activate(
          {
            name: opened.name,
            version: opened.version,
            root: folder,
            previousVersion: verified.previousVersion,
            kind: verified.kind,
          },
          recordIn(store, { ...row, archive }, logger),
          plugins,
        );
      } catch (error) {
        const step = error instanceof PluginStepError ? error.step : "start";
        const reason =
          error instanceof PluginStepError ? messageOf(error.original) : messageOf(error);
        if (unpacked) rmSync(folder, { recursive: true, force: true });
        await store.failed(row, `${step}: ${reason}`);
        await store
          .noteOutcome({
            name: opened.name,
            servingVersion: verified.previousVersion,
            wantedVersion: opened.version,
            failure: `${step}: ${reason}`,
          })
          .catch(() => undefined);
        logger.error(
          { plugin: opened.name, version: opened.version, step, reason, by },
          "Plugin package did not activate; the version before keeps serving",
        );
        throw new RoaError(
          "PACKAGE_ACTIVATION_FAILED",
          422,
          `${opened.name}@${opened.version} failed at step "${step}": ${reason}. ${verified.previousVersion ? `Version ${verified.previousVersion} keeps serving.` : "Nothing was installed."} Fix the package and install it again.`,
          {
            details: {
              plugin: opened.name,
              version: opened.version,
              step,
              reason,
              serving: verified.previousVersion ?? null,
            },
          },
        );
      }
      serving = true;
      const { deletedVersions } = activated;
      this.unreachable.delete(opened.name);
      await store
        .noteOutcome({
          name: opened.name,
          servingVersion: opened.version,
          wantedVersion: opened.version,
        })
        .catch((error: unknown) =>
          logger.warn({ plugin: opened.name, reason: messageOf(error) }, "Outcome not recorded"),
        );
      logger.info(
        {
          plugin: opened.name,
          version: opened.version,
          kind: verified.kind,
          from: verified.previousVersion,
          signer: opened.signature?.keyId,
          trusted: opened.signature?.trusted ?? false,
          newPermissions: Object.keys(verified.newPermissions),
          warnings: verified.warnings,
          by,
        },
        "Plugin package activated",
      );
      return {
        ...verified,
        plugin: activated.record,
        reported: activated.reported,
        signature: opened.signature,
        sha256,
        deletedVersions,
      };
    } catch (error) {
      // Unpacked but never activated (extraction failed): nothing runs from it. Once
      // the version serves, its folder stays whatever went wrong after.
      if (folder && unpacked && !serving && existsSync(folder) && !(error instanceof RoaError)) {
        rmSync(folder, { recursive: true, force: true });
      }
      throw error;
    }
  }

  /**
   * Removes an installed package: the plugin stops and its routes, UI and services go;
   * its folders and records are deleted; its data stays unless `purge`.
   */
  uninstall(
    name: string,
    { purge = false, by }: { purge?: boolean; by?: string } = {},
  ): Promise<{ name: string; versions: string[]; purged: boolean }> {
    return this.exclusive(() =>
      this.options.plugins.change((plugins) => this.uninstallNow(name, plugins, { purge, by })),
    );
  }

  private async uninstallNow(
    name: string,
    plugins: PluginChange,
    { purge, by }: { purge: boolean; by?: string },
  ): Promise<{ name: string; versions: string[]; purged: boolean }> {
    const { store, logger } = this.options;
    const installed = await store.versionsOf(name);
    const record = plugins.get(name);
    if (installed.length === 0) {
      if (record)
        throw new ConflictError(
          `Plugin "${name}" is not an installed package (it comes from ${record.source === "workspace" ? "the workspace" : "PLUGINS_DIR"}): remove its folder instead`,
          { details: { plugin: name, source: record.source } },
        );
      throw new NotFoundError(`No installed plugin package named "${name}"`);
    }
    if (record && record.source === "package")
      await this.options.activator.deactivate(name, plugins);
    await store.forget(name);
    if (purge) purgePluginData(this.options.dataDir, name);
    const versions = installed.map((row) => row.version);
    logger.info({ plugin: name, versions, purge, by }, "Plugin package removed");
    return { name, versions, purged: purge };
  }

  list(): Promise<InstalledPackage[]> {
    return this.options.store.list();
  }

  /** What each kernel serves of each package (ADR 0033). */
  outcomes(): Promise<KernelOutcome[]> {
    return this.options.store.outcomes();
  }

  /**
   * One round of following the other kernels (ADR 0033, called by the plugin sync): every
   * package whose active version this kernel does not serve is fetched from the shared
   * store, verified here and activated as a local install is; every package this kernel
   * serves that is no longer installed is removed. A version that fails here is logged,
   * recorded as this kernel's outcome and not tried again until another is wanted; the
   * version before keeps serving.
   */
  async follow(): Promise<void> {
    if (this.options.activator.retired?.()) return;
    const desired = await this.options.store.desired();
    const serving = this.servingPackages();
    for (const row of desired) {
      if (serving.get(row.name) === row.version) continue;
      if (this.unreachable.get(row.name)?.key === `${row.version}@${row.sha256}`) continue;
      await this.exclusive(() =>
        this.options.plugins.change((plugins) => this.followNow(row.name, plugins)),
      );
    }
    const wanted = new Set(desired.map((row) => row.name));
    for (const name of serving.keys()) {
      if (wanted.has(name)) continue;
      await this.exclusive(() =>
        this.options.plugins.change((plugins) => this.dropNow(name, plugins)),
      );
    }
  }

  /**
   * At start, before discovery: every active version this kernel has no folder of (a new
   * machine, an empty DATA_DIR, a version installed while it was down) is fetched,
   * verified and unpacked, so discovery finds it as if installed here.
   */
  async installDesired(): Promise<string[]> {
    const { store, logger } = this.options;
    const installed: string[] = [];
    for (const row of await store.desired()) {
      if (store.localFolder(row.name, row.version)) continue;
      try {
        const { opened } = await this.fetchVerified(row, []);
        try {
          store.prepare();
          await opened.extractTo(store.folderOf(row.name, row.version));
        } finally {
          await opened.dispose().catch(() => undefined);
        }
        installed.push(`${row.name}@${row.version}`);
        logger.info(
          { plugin: row.name, version: row.version },
          "Plugin package installed at start from the shared store",
        );
      } catch (error) {
        const why = messageOf(error);
        this.unreachable.set(row.name, { key: `${row.version}@${row.sha256}`, why });
        logger.error(
          { plugin: row.name, version: row.version, reason: why },
          "Plugin package could not be installed at start; the version kept before, if this kernel has it, serves",
        );
      }
    }
    return installed;
  }

  /** Records what this kernel serves of every installed package (after start). */
  async noteServing(): Promise<void> {
    const { store } = this.options;
    const serving = this.servingPackages();
    for (const row of await store.desired()) {
      const failure =
        serving.get(row.name) === row.version
          ? undefined
          : (this.unreachable.get(row.name)?.why ??
            this.options.plugins.get(row.name)?.failure?.message ??
            "not installed here");
      await store.noteOutcome({
        name: row.name,
        servingVersion: serving.get(row.name),
        wantedVersion: row.version,
        failure,
      });
    }
  }

  /** The installed packages this kernel runs, and their versions. */
  private servingPackages(): Map<string, string | undefined> {
    const serving = new Map<string, string | undefined>();
    for (const record of this.options.plugins.list())
      if (record.source === "package") serving.set(record.name, record.manifest?.version);
    return serving;
  }

  /** The archive of an active version, checked against its recorded SHA-256, opened and verified by this kernel. */
  private async fetchVerified(
    row: InstalledPackage,
    plugins: readonly PluginRecord[],
    change?: PluginChange,
  ): Promise<{ opened: OpenedPluginPackage; verified: VerifiedPackage }> {
    const archive = await this.options.store.archiveOf(row.name, row.version);
    if (!archive)
      throw new PackageRefusedError(
        "PACKAGE_ARCHIVE_MISSING",
        409,
        `The archive of ${row.name}@${row.version} is not in the shared store: install it again through any kernel`,
      );
    const sha256 = createHash("sha256").update(archive).digest("hex");
    if (sha256 !== row.sha256)
      throw new PackageRefusedError(
        "PACKAGE_SHA_MISMATCH",
        409,
        `The stored archive of ${row.name}@${row.version} has SHA-256 ${sha256}, not the ${row.sha256} recorded at install: it was changed in the database; install it again`,
      );
    const opened = await this.options.open(archive).catch((error: unknown) => {
      throw refusalOf(error);
    });
    try {
      if (opened.name !== row.name || opened.version !== row.version)
        throw new PackageRefusedError(
          "PACKAGE_BAD_MANIFEST",
          400,
          `The stored archive of ${row.name}@${row.version} holds ${opened.name}@${opened.version}`,
        );
      const current = plugins.find((record) => record.name === row.name);
      const verified = verifyPackage(opened, {
        production: this.options.production,
        kernelVersion: this.options.kernelVersion,
        plugins,
        clashOf: (manifest, except) => change?.clashOf(manifest, except),
        // What this kernel serves, not the shared rows (which already say it is active).
        installed:
          current?.source === "package" && current.manifest
            ? [{ ...row, version: current.manifest.version, status: "active" }]
            : [],
        sha256,
        // Another kernel's administrator chose this version, a downgrade included.
        force: true,
      });
      return { opened, verified };
    } catch (error) {
      await opened.dispose().catch(() => undefined);
      throw error;
    }
  }

  private async followNow(name: string, plugins: PluginChange): Promise<void> {
    const { store, logger } = this.options;
    if (this.options.activator.retired?.()) return;
    const rows = await store.versionsOf(name);
    const row = rows.find((entry) => entry.status === "active");
    const current = plugins.get(name);
    const before = current?.source === "package" ? current.manifest?.version : undefined;
    if (!row || before === row.version) return; // changed again, or applied by this kernel
    const key = `${row.version}@${row.sha256}`;
    if (this.unreachable.get(name)?.key === key) return;
    let folder: string | undefined;
    let unpacked = false;
    try {
      const { opened, verified } = await this.fetchVerified(row, plugins.list(), plugins);
      try {
        const kept = store.localFolder(name, row.version);
        folder = kept ?? this.freshFolder(name, row.version, row.sha256);
        if (!kept) {
          store.prepare();
          await opened.extractTo(folder);
          unpacked = true;
        }
      } finally {
        await opened.dispose().catch(() => undefined);
      }
      const keep = [
        row.version,
        ...rows.filter((r) => r.status === "previous").map((r) => r.version),
      ];
      this.usedFolders.add(folder);
      await this.options.activator.activate(
        {
          name,
          version: row.version,
          root: folder,
          previousVersion: before,
          kind: verified.kind,
        },
        {
          // Only this kernel's outcome: the shared rows already say the version is active.
          // A failure to write it must not undo a version that serves (logged, not thrown).
          record: () =>
            this.noted({ name, servingVersion: row.version, wantedVersion: row.version }),
          settle: async () => store.prunedHere(name, keep),
          revert: () => this.noted({ name, servingVersion: before, wantedVersion: row.version }),
        },
        plugins,
      );
      this.unreachable.delete(name);
      logger.info(
        { plugin: name, version: row.version, from: before, kind: verified.kind },
        "Plugin package changed on another kernel: installed here too",
      );
    } catch (error) {
      const reason =
        error instanceof PluginStepError
          ? `${error.step}: ${messageOf(error.original)}`
          : messageOf(error);
      if (folder && unpacked) rmSync(folder, { recursive: true, force: true });
      this.unreachable.set(name, { key, why: reason });
      logger.error(
        { plugin: name, version: row.version, serving: before ?? null, reason },
        "Plugin package changed on another kernel could not be installed here; the version before keeps serving",
      );
      await this.noted({
        name,
        servingVersion: before,
        wantedVersion: row.version,
        failure: reason,
      });
    }
  }

  /** Records this kernel's outcome; a database that cannot take it is logged, not thrown. */
  private async noted(outcome: Parameters<PackageStore["noteOutcome"]>[0]): Promise<void> {
    await this.options.store.noteOutcome(outcome).catch((error: unknown) => {
      this.options.logger.warn(
        { plugin: outcome.name, reason: messageOf(error) },
        "Could not record which version of the plugin package this kernel serves",
      );
    });
  }

  private async dropNow(name: string, plugins: PluginChange): Promise<void> {
    const { store, logger } = this.options;
    if ((await store.versionsOf(name)).some((row) => row.status === "active")) return;
    const current = plugins.get(name);
    if (current?.source !== "package") return;
    try {
      await this.options.activator.deactivate(name, plugins);
      store.removeHere(name);
      await store.dropOutcome(name);
      this.unreachable.delete(name);
      logger.info({ plugin: name }, "Plugin package removed on another kernel: removed here too");
    } catch (error) {
      logger.error(
        { plugin: name, reason: messageOf(error) },
        "Plugin package removed on another kernel could not be removed here",
      );
    }
  }

  private freshFolder(name: string, version: string, sha256: string): string {
    const plain = this.options.store.folderOf(name, version);
    if (!this.usedFolders.has(plain) && !existsSync(plain)) return plain;
    // Code imported from a folder stays cached under its URL for the life of the process.
    return `${plain}~${sha256.slice(0, 12)}-${Date.now().toString(36)}`;
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work, work);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

/** The store's side of one activation: `switched`, then `pruned` or `restored`. */
function recordIn(
  store: PackageStore,
  row: Omit<InstalledPackage, "status" | "failure"> & { archive?: Buffer },
  logger: KernelLogger,
): ActivationRecord {
  let switched: PackageRows | undefined;
  return {
    async record() {
      switched = await store.switched(row);
    },
    // The version serves by now: a failure to tidy up older versions must not mark it
    // failed. What is left is deleted by the next activation of the plugin.
    settle: async () =>
      switched
        ? store.pruned(switched).catch((error: unknown) => {
            logger.warn(
              { plugin: row.name, version: row.version, reason: messageOf(error) },
              "Older versions of the plugin package were not deleted; the next upgrade deletes them",
            );
            return [];
          })
        : [],
    async revert() {
      if (switched) await store.restored(switched);
      switched = undefined;
    },
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** HTTP status of each refusal code of `openPackage` (PackageError, ADR 0023). */
const OPEN_STATUS: Record<string, number> = {
  PACKAGE_TOO_LARGE: 413,
  PACKAGE_UNSIGNED: 403,
  PACKAGE_BAD_SIGNATURE: 403,
  PACKAGE_UNTRUSTED_KEY: 403,
};

/** An error of `openPackage` as a 4xx answer with its code; anything else passes through. */
function refusalOf(error: unknown): unknown {
  if (error instanceof RoaError) return error;
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === "string" && code.startsWith("PACKAGE_")) {
    const details = (error as { details?: Record<string, unknown> }).details;
    return new PackageRefusedError(code, OPEN_STATUS[code] ?? 400, messageOf(error), details);
  }
  return error;
}
