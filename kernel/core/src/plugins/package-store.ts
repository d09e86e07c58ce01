/**
 * Where installed plugin packages live. Shared by every kernel on the database (ADR
 * 0033): the record of each version (`plugin_packages`: which one is active — the
 * version every kernel should serve —, which one is kept for a rollback, which attempt
 * failed), the archive of each kept version (`plugin_package_archives`), and what each
 * kernel serves (`plugin_package_kernels`). Per kernel: the unpacked folders,
 * `<packagesDir>/<name>/<version>/` (or `<version>~<sha>-<time>` for a retry in one
 * process). The active version's folder is a plugin root like a PLUGINS_DIR sub-folder;
 * the previous one is kept for a rollback, older ones are deleted (ADR 0024).
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runSql } from "@roa2web/plugin-sdk";
import type { DataSource } from "typeorm";

export type PackageStatus = "active" | "previous" | "failed";

export interface InstalledPackage {
  name: string;
  version: string;
  folder: string;
  sha256: string;
  signerKeyId: string | undefined;
  trusted: boolean;
  status: PackageStatus;
  /** Why the attempt failed (status `failed`): the step and the reason. */
  failure: string | undefined;
  installedBy: string | undefined;
  installedAt: string;
}

/** A `plugin_packages` row as the database gives it. */
export interface PackageRow {
  name: string;
  version: string;
  folder: string;
  sha256: string;
  signer_key_id: string | null;
  trusted: number;
  status: PackageStatus;
  failure: string | null;
  installed_by: string | null;
  installed_at: string;
}

/** What one kernel serves of a package, as it last recorded it (ADR 0033). */
export interface KernelOutcome {
  /** The kernel: its host and packages folder (`PackageStore.kernel`). */
  kernel: string;
  name: string;
  /** The version it serves; none when it has none of this package. */
  servingVersion: string | undefined;
  /** The version it was asked to serve when it recorded this. */
  wantedVersion: string;
  /** Why it does not serve the wanted version. */
  failure: string | undefined;
  at: string;
}

/** A plugin's rows before `switched`: what `restored` puts back and `pruned` reads. */
export interface PackageRows {
  readonly name: string;
  /** The version `switched` made active. */
  readonly version: string;
  /** The version that was active before it, now `previous`. */
  readonly demoted: string | undefined;
  readonly rows: readonly PackageRow[];
}

function fromRow(row: PackageRow): InstalledPackage {
  return {
    name: row.name,
    version: row.version,
    folder: row.folder,
    sha256: row.sha256,
    signerKeyId: row.signer_key_id ?? undefined,
    trusted: row.trusted === 1,
    status: row.status,
    failure: row.failure ?? undefined,
    installedBy: row.installed_by ?? undefined,
    installedAt: row.installed_at,
  };
}

export class PackageStore {
  constructor(
    private readonly dataSource: DataSource,
    /** `PLUGIN_PACKAGES_DIR`. */
    readonly directory: string,
    /**
     * This kernel as its outcomes name it: its host and packages folder, the same for
     * the two processes of a hand-over (they share the folders), different per machine.
     */
    readonly kernel = `${os.hostname()}:${directory}`,
  ) {}

  /** The folder a version unpacks into. Names and versions are checked before they get here. */
  folderOf(name: string, version: string): string {
    return path.join(this.directory, name, version);
  }

  /** Every folder of this version unpacked here: the plain one and retries' (`<version>~…`). */
  localFolders(name: string, version: string): string[] {
    const parent = path.join(this.directory, name);
    if (!existsSync(parent)) return [];
    return readdirSync(parent)
      .filter((entry) => entry === version || entry.startsWith(`${version}~`))
      .map((entry) => path.join(parent, entry));
  }

  /** The folder this kernel serves the version from: the newest one unpacked here. */
  localFolder(name: string, version: string): string | undefined {
    let newest: { folder: string; at: number } | undefined;
    for (const folder of this.localFolders(name, version)) {
      const at = statSync(folder).mtimeMs;
      if (!newest || at > newest.at) newest = { folder, at };
    }
    return newest?.folder;
  }

  async hasAny(): Promise<boolean> {
    const rows: unknown[] = await runSql(this.dataSource, "SELECT 1 FROM plugin_packages LIMIT 1");
    return rows.length > 0 || existsSync(this.directory);
  }

  async list(): Promise<InstalledPackage[]> {
    const rows: PackageRow[] = await runSql(
      this.dataSource,
      "SELECT * FROM plugin_packages ORDER BY name, installed_at",
    );
    return rows.map(fromRow);
  }

  async versionsOf(name: string): Promise<InstalledPackage[]> {
    const rows: PackageRow[] = await runSql(
      this.dataSource,
      "SELECT * FROM plugin_packages WHERE name = ? ORDER BY installed_at",
      [name],
    );
    return rows.map(fromRow);
  }

  async activeOf(name: string): Promise<InstalledPackage | undefined> {
    return (await this.versionsOf(name)).find((row) => row.status === "active");
  }

  /** The active version of every package: the one every kernel should serve. */
  async desired(): Promise<InstalledPackage[]> {
    const rows: PackageRow[] = await runSql(
      this.dataSource,
      "SELECT * FROM plugin_packages WHERE status = 'active' ORDER BY name",
    );
    return rows.map(fromRow);
  }

  /**
   * What a start adds to the plugin roots: this kernel's folder of each active version,
   * or, when it has none (it could not install it), of the version kept before it.
   */
  async activeFolders(): Promise<string[]> {
    const byName = new Map<string, InstalledPackage[]>();
    for (const row of await this.list())
      byName.set(row.name, [...(byName.get(row.name) ?? []), row]);
    const folders: string[] = [];
    for (const rows of byName.values()) {
      const active = rows.find((row) => row.status === "active");
      const previous = rows.find((row) => row.status === "previous");
      const folder =
        (active && this.localFolder(active.name, active.version)) ??
        (previous && this.localFolder(previous.name, previous.version));
      if (folder) folders.push(folder);
    }
    return folders.sort();
  }

  /** The archive of a kept version, as it was uploaded. */
  async archiveOf(name: string, version: string): Promise<Buffer | undefined> {
    const rows: Array<{ archive: Uint8Array }> = await runSql(
      this.dataSource,
      "SELECT archive FROM plugin_package_archives WHERE name = ? AND version = ?",
      [name, version],
    );
    const bytes = rows[0]?.archive;
    return bytes ? Buffer.from(bytes) : undefined;
  }

  /** Records what this kernel serves of a package now, and why not the wanted version. */
  async noteOutcome(outcome: {
    name: string;
    servingVersion: string | undefined;
    wantedVersion: string;
    failure?: string;
  }): Promise<void> {
    await runSql(
      this.dataSource,
      `INSERT INTO plugin_package_kernels (kernel, name, serving_version, wanted_version, failure, at)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (kernel, name) DO UPDATE SET serving_version = excluded.serving_version,
         wanted_version = excluded.wanted_version, failure = excluded.failure, at = excluded.at`,
      [
        this.kernel,
        outcome.name,
        outcome.servingVersion ?? null,
        outcome.wantedVersion,
        outcome.failure ?? null,
        new Date().toISOString(),
      ],
    );
  }

  /** Forgets what this kernel served of a package (it has none of it now). */
  async dropOutcome(name: string): Promise<void> {
    await runSql(
      this.dataSource,
      "DELETE FROM plugin_package_kernels WHERE kernel = ? AND name = ?",
      [this.kernel, name],
    );
  }

  /** What every kernel serves of every package, as each last recorded it. */
  async outcomes(): Promise<KernelOutcome[]> {
    const rows: Array<{
      kernel: string;
      name: string;
      serving_version: string | null;
      wanted_version: string;
      failure: string | null;
      at: string;
    }> = await runSql(
      this.dataSource,
      "SELECT * FROM plugin_package_kernels ORDER BY name, kernel",
    );
    return rows.map((row) => ({
      kernel: row.kernel,
      name: row.name,
      servingVersion: row.serving_version ?? undefined,
      wantedVersion: row.wanted_version,
      failure: row.failure ?? undefined,
      at: row.at,
    }));
  }

  /**
   * Records a version as active (in-process once it serves; under the supervisor before
   * the new kernel process starts, which reads what is active): the one serving becomes
   * `previous`, in one transaction. Nothing is deleted: older versions stay until
   * `pruned` (once the version serves), so that `restored` can put every row back as it
   * was if it does not end up serving. Returns the rows as they were.
   */
  async switched(
    record: Omit<InstalledPackage, "status" | "failure"> & { archive?: Buffer },
  ): Promise<PackageRows> {
    return this.dataSource.transaction(async (manager) => {
      // The archive first: a kernel that sees the version active finds it.
      if (record.archive)
        await runSql(
          manager,
          `INSERT INTO plugin_package_archives (name, version, sha256, size, archive, stored_by, stored_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (name, version) DO UPDATE SET sha256 = excluded.sha256, size = excluded.size,
             archive = excluded.archive, stored_by = excluded.stored_by, stored_at = excluded.stored_at`,
          [
            record.name,
            record.version,
            record.sha256,
            record.archive.length,
            record.archive,
            record.installedBy ?? null,
            record.installedAt,
          ],
        );
      const rows: PackageRow[] = await runSql(
        manager,
        "SELECT * FROM plugin_packages WHERE name = ?",
        [record.name],
      );
      const demoted = rows.find((row) => row.status === "active" && row.version !== record.version);
      if (demoted)
        await runSql(
          manager,
          "UPDATE plugin_packages SET status = 'previous', failure = NULL WHERE name = ? AND version = ?",
          [demoted.name, demoted.version],
        );
      await runSql(
        manager,
        `INSERT INTO plugin_packages (name, version, folder, sha256, signer_key_id, trusted, status,
           failure, installed_by, installed_at)
         VALUES (?, ?, ?, ?, ?, ?, 'active', NULL, ?, ?)
         ON CONFLICT (name, version) DO UPDATE SET folder = excluded.folder, sha256 = excluded.sha256,
           signer_key_id = excluded.signer_key_id, trusted = excluded.trusted, status = 'active',
           failure = NULL, installed_by = excluded.installed_by, installed_at = excluded.installed_at`,
        [
          record.name,
          record.version,
          record.folder,
          record.sha256,
          record.signerKeyId ?? null,
          record.trusted ? 1 : 0,
          record.installedBy ?? null,
          record.installedAt,
        ],
      );
      return { name: record.name, version: record.version, demoted: demoted?.version, rows };
    });
  }

  /**
   * Once the version `switched` made active serves: every version of the
   * plugin other than it and the one it replaced is deleted — rows, archives, and this
   * kernel's folders of them (a failed attempt's folder is already gone; the other
   * kernels delete theirs as they follow). Returns the folders.
   */
  async pruned(switched: PackageRows): Promise<string[]> {
    const keep = new Set([switched.version, switched.demoted]);
    await this.dataSource.transaction(async (manager) => {
      const rows: PackageRow[] = await runSql(
        manager,
        "SELECT * FROM plugin_packages WHERE name = ?",
        [switched.name],
      );
      for (const row of rows) {
        if (keep.has(row.version)) continue;
        await runSql(manager, "DELETE FROM plugin_packages WHERE name = ? AND version = ?", [
          row.name,
          row.version,
        ]);
      }
      await this.dropArchivesOf(manager, switched.name);
    });
    return this.prunedHere(
      switched.name,
      [...keep].filter((version) => version !== undefined),
    );
  }

  /** Deletes this kernel's folders of the plugin's versions other than `keep`; returns them. */
  prunedHere(name: string, keep: readonly string[]): string[] {
    const parent = path.join(this.directory, name);
    if (!existsSync(parent)) return [];
    const dropped: string[] = [];
    for (const entry of readdirSync(parent)) {
      const version = entry.split("~")[0] ?? entry;
      if (keep.includes(version)) continue;
      const folder = path.join(parent, entry);
      rmSync(folder, { recursive: true, force: true });
      dropped.push(folder);
    }
    return dropped;
  }

  /** Archives of versions no active or previous row names: nothing will install them. */
  private async dropArchivesOf(manager: DataSource["manager"], name: string): Promise<void> {
    await runSql(
      manager,
      `DELETE FROM plugin_package_archives WHERE name = ? AND version NOT IN
         (SELECT version FROM plugin_packages WHERE name = ? AND status IN ('active', 'previous'))`,
      [name, name],
    );
  }

  /**
   * Undoes `switched` for a version that did not end up serving (a hand-over that was
   * not committed): every row of the plugin is put back exactly as it was — the version
   * that served active, the one kept for a rollback still kept.
   */
  async restored(switched: PackageRows): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await runSql(manager, "DELETE FROM plugin_packages WHERE name = ?", [switched.name]);
      for (const row of switched.rows) {
        await runSql(
          manager,
          `INSERT INTO plugin_packages (name, version, folder, sha256, signer_key_id, trusted, status,
             failure, installed_by, installed_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            row.name,
            row.version,
            row.folder,
            row.sha256,
            row.signer_key_id,
            row.trusted,
            row.status,
            row.failure,
            row.installed_by,
            row.installed_at,
          ],
        );
      }
      await this.dropArchivesOf(manager, switched.name);
    });
  }

  /** Records an attempt that did not end with the version serving (its folder is already gone). */
  async failed(record: Omit<InstalledPackage, "status" | "failure">, why: string): Promise<void> {
    await runSql(
      this.dataSource,
      `INSERT INTO plugin_packages (name, version, folder, sha256, signer_key_id, trusted, status,
         failure, installed_by, installed_at)
       VALUES (?, ?, ?, ?, ?, ?, 'failed', ?, ?, ?)
       ON CONFLICT (name, version) DO UPDATE SET status = 'failed', failure = excluded.failure,
         sha256 = excluded.sha256, installed_by = excluded.installed_by,
         installed_at = excluded.installed_at
       WHERE plugin_packages.status = 'failed'`,
      [
        record.name,
        record.version,
        record.folder,
        record.sha256,
        record.signerKeyId ?? null,
        record.trusted ? 1 : 0,
        why,
        record.installedBy ?? null,
        record.installedAt,
      ],
    );
  }

  /** Forgets every version of a package, its archives and outcomes, and deletes this kernel's folders. */
  async forget(name: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await runSql(manager, "DELETE FROM plugin_packages WHERE name = ?", [name]);
      await runSql(manager, "DELETE FROM plugin_package_archives WHERE name = ?", [name]);
      await runSql(manager, "DELETE FROM plugin_package_kernels WHERE name = ?", [name]);
    });
    this.removeHere(name);
  }

  /** Deletes this kernel's folders of a package (another kernel removed it). */
  removeHere(name: string): void {
    rmSync(path.join(this.directory, name), { recursive: true, force: true });
  }

  /**
   * Creates the packages folder, and in it a `node_modules` link to the folder the
   * kernel resolves its own dependencies from: a package's externals (the SDK,
   * fastify, typeorm — ADR 0023) then resolve to the kernel's one copy, as Node walks
   * up from `<name>/<version>/dist/` looking for `node_modules`.
   */
  prepare(): void {
    mkdirSync(this.directory, { recursive: true });
    const link = path.join(this.directory, "node_modules");
    if (existsSync(link)) return;
    const target = kernelNodeModules();
    if (target) symlinkSync(target, link, "junction");
  }

  /**
   * At start: folders of versions no active or previous row names (a crash mid-install,
   * a version another kernel pruned or removed while this one was down), and older
   * copies of a version beside the one served. Deleted.
   */
  async sweep(): Promise<string[]> {
    if (!existsSync(this.directory)) return [];
    const known = new Set<string>();
    for (const row of await this.list()) {
      if (row.status === "failed") continue;
      const folder = this.localFolder(row.name, row.version);
      if (folder) known.add(folder);
    }
    const removed: string[] = [];
    for (const name of readdirSync(this.directory, { withFileTypes: true })) {
      if (!name.isDirectory() || name.name === "node_modules" || name.name.startsWith("."))
        continue;
      const parent = path.join(this.directory, name.name);
      for (const version of readdirSync(parent)) {
        const folder = path.join(parent, version);
        if (known.has(folder)) continue;
        rmSync(folder, { recursive: true, force: true });
        removed.push(folder);
      }
    }
    return removed;
  }
}

/** The nearest `node_modules` above the kernel's own code that holds the plugin SDK. */
function kernelNodeModules(): string | undefined {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, "node_modules");
    if (existsSync(path.join(candidate, "@roa2web", "plugin-sdk"))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
