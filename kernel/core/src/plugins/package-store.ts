/**
 * Where installed plugin packages live: unpacked into `<packagesDir>/<name>/<version>/`
 * and recorded in the kernel database (`plugin_packages`). The active version's folder
 * is a plugin root like a PLUGINS_DIR sub-folder; the previous one is kept for a
 * rollback, older ones are deleted (ADR 0024).
 */
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync } from "node:fs";
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
  ) {}

  /** The folder a version unpacks into. Names and versions are checked before they get here. */
  folderOf(name: string, version: string): string {
    return path.join(this.directory, name, version);
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

  /** The active version of every installed package: what a start adds to the plugin roots. */
  async activeFolders(): Promise<string[]> {
    const rows: Array<{ folder: string }> = await runSql(
      this.dataSource,
      "SELECT folder FROM plugin_packages WHERE status = 'active' ORDER BY name",
    );
    return rows.map((row) => row.folder).filter((folder) => existsSync(folder));
  }

  /**
   * Records a version as active (in-process once it serves; under the supervisor before
   * the new kernel process starts, which reads what is active): the one serving becomes
   * `previous`, in one transaction. Nothing is deleted: older versions stay until
   * `pruned` (once the version serves), so that `restored` can put every row back as it
   * was if it does not end up serving. Returns the rows as they were.
   */
  async switched(record: Omit<InstalledPackage, "status" | "failure">): Promise<PackageRows> {
    return this.dataSource.transaction(async (manager) => {
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
   * plugin other than it and the one it replaced is deleted — rows, and the folders of
   * the `previous` ones (a failed attempt's folder is already gone). Returns the folders.
   */
  async pruned(switched: PackageRows): Promise<string[]> {
    const keep = new Set([switched.version, switched.demoted]);
    const dropped: string[] = [];
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
        if (row.status === "previous") dropped.push(row.folder);
      }
    });
    for (const folder of dropped) rmSync(folder, { recursive: true, force: true });
    return dropped;
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

  /** Forgets every version of a package and deletes its folders. */
  async forget(name: string): Promise<void> {
    await runSql(this.dataSource, "DELETE FROM plugin_packages WHERE name = ?", [name]);
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

  /** Leftover folders of versions no row names (a crash mid-install): deleted at start. */
  async sweep(): Promise<string[]> {
    if (!existsSync(this.directory)) return [];
    const known = new Set((await this.list()).map((row) => row.folder));
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
