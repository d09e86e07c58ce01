import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Every change of a plugin's state (enabled, disabled, reloaded) counts up `revision`
 * and names the kernel that made it, so the other kernels sharing this database follow
 * it (plugins/plugin-sync.ts) and none re-applies its own. The SQL is the same on SQLite
 * and PostgreSQL.
 */
export class PluginStateRevisions1765400000000 implements MigrationInterface {
  name = "PluginStateRevisions1765400000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      "ALTER TABLE plugin_states ADD COLUMN revision INTEGER NOT NULL DEFAULT 0",
    );
    await queryRunner.query("ALTER TABLE plugin_states ADD COLUMN changed_by_kernel TEXT");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE plugin_states DROP COLUMN changed_by_kernel");
    await queryRunner.query("ALTER TABLE plugin_states DROP COLUMN revision");
  }
}
