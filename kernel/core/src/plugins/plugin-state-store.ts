/**
 * Remembers which plugins an administrator enabled or disabled at run time. The
 * kernel reads it at start: a stored choice wins over `MODULE_<NAME>_ENABLED`, which
 * is only the default for a plugin nobody has switched yet.
 *
 * Each change (a switch, or a reload that re-reads the plugin's settings) counts up the
 * row's `revision` and names the kernel that made it: kernels sharing the database
 * follow each other's changes from it (plugin-sync.ts).
 */
import { runSql } from "@roa2web/plugin-sdk";
import type { DataSource } from "typeorm";

/** One plugin's stored state, as the other kernels read it. */
export interface PluginStateRow {
  name: string;
  enabled: boolean;
  /** Counts every change; a kernel applies what it has not seen yet. */
  revision: number;
  /** The kernel (its lease holder id) that made the last change. */
  changedByKernel: string | null;
}

export interface PluginStateStore {
  /** Plugin name → enabled, for every plugin someone switched. */
  load(): Promise<Map<string, boolean>>;
  save(name: string, enabled: boolean, changedBy: string | undefined): Promise<void>;
  /** A reload: the state stays, the revision moves (other kernels reload too). */
  touch(name: string, changedBy: string | undefined): Promise<void>;
  /** Every stored row with its revision. */
  revisions(): Promise<PluginStateRow[]>;
}

export class SqlitePluginStateStore implements PluginStateStore {
  /** @param kernelId this kernel, named on the rows it changes */
  constructor(
    private readonly dataSource: DataSource,
    private readonly kernelId = "",
  ) {}

  async load(): Promise<Map<string, boolean>> {
    const rows = await this.revisions();
    return new Map(rows.map((row) => [row.name, row.enabled]));
  }

  async save(name: string, enabled: boolean, changedBy: string | undefined): Promise<void> {
    await runSql(
      this.dataSource,
      `INSERT INTO plugin_states (name, enabled, changed_at, changed_by, revision, changed_by_kernel)
       VALUES (?, ?, ?, ?, 1, ?)
       ON CONFLICT (name) DO UPDATE SET enabled = excluded.enabled,
         changed_at = excluded.changed_at, changed_by = excluded.changed_by,
         revision = plugin_states.revision + 1, changed_by_kernel = excluded.changed_by_kernel`,
      [name, enabled ? 1 : 0, new Date().toISOString(), changedBy ?? null, this.kernelId],
    );
  }

  async touch(name: string, changedBy: string | undefined): Promise<void> {
    // A plugin nobody switched yet is running by its default: recorded as enabled.
    await runSql(
      this.dataSource,
      `INSERT INTO plugin_states (name, enabled, changed_at, changed_by, revision, changed_by_kernel)
       VALUES (?, 1, ?, ?, 1, ?)
       ON CONFLICT (name) DO UPDATE SET changed_at = excluded.changed_at,
         changed_by = excluded.changed_by, revision = plugin_states.revision + 1,
         changed_by_kernel = excluded.changed_by_kernel`,
      [name, new Date().toISOString(), changedBy ?? null, this.kernelId],
    );
  }

  async revisions(): Promise<PluginStateRow[]> {
    const rows: Array<{
      name: string;
      enabled: number | boolean;
      revision: number | string;
      changed_by_kernel: string | null;
    }> = await runSql(
      this.dataSource,
      "SELECT name, enabled, revision, changed_by_kernel FROM plugin_states ORDER BY name",
    );
    return rows.map((row) => ({
      name: String(row.name),
      enabled: Number(row.enabled) === 1 || row.enabled === true,
      revision: Number(row.revision),
      changedByKernel: row.changed_by_kernel ?? null,
    }));
  }
}
