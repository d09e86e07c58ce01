/**
 * Remembers which plugins an administrator enabled or disabled at run time. The
 * kernel reads it at start: a stored choice wins over `MODULE_<NAME>_ENABLED`, which
 * is only the default for a plugin nobody has switched yet.
 */
import { runSql } from "@roa2web/plugin-sdk";
import type { DataSource } from "typeorm";

export interface PluginStateStore {
  /** Plugin name → enabled, for every plugin someone switched. */
  load(): Promise<Map<string, boolean>>;
  save(name: string, enabled: boolean, changedBy: string | undefined): Promise<void>;
}

export class SqlitePluginStateStore implements PluginStateStore {
  constructor(private readonly dataSource: DataSource) {}

  async load(): Promise<Map<string, boolean>> {
    const rows: Array<{ name: string; enabled: number }> = await runSql(
      this.dataSource,
      "SELECT name, enabled FROM plugin_states",
    );
    return new Map(rows.map((row) => [row.name, row.enabled === 1]));
  }

  async save(name: string, enabled: boolean, changedBy: string | undefined): Promise<void> {
    await runSql(
      this.dataSource,
      `INSERT INTO plugin_states (name, enabled, changed_at, changed_by) VALUES (?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET enabled = excluded.enabled,
         changed_at = excluded.changed_at, changed_by = excluded.changed_by`,
      [name, enabled ? 1 : 0, new Date().toISOString(), changedBy ?? null],
    );
  }
}
