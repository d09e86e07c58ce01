import type { MigrationInterface, QueryRunner } from "typeorm";

/** Which plugins an administrator switched on or off, so a restart keeps the choice. */
export class PluginStates1765000000000 implements MigrationInterface {
  name = "PluginStates1765000000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE plugin_states (
      name TEXT PRIMARY KEY,
      enabled INTEGER NOT NULL,
      changed_at TEXT NOT NULL,
      changed_by TEXT
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE plugin_states");
  }
}
