import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The plugin packages installed at run time (`roa2web plugin install`, ADR 0024): one
 * row per unpacked version, which one is active, who installed it, what signed it, and
 * why an attempt failed. A restart adds each active version's folder to the plugin roots.
 */
export class PluginPackages1765300000000 implements MigrationInterface {
  name = "PluginPackages1765300000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE plugin_packages (
      name TEXT NOT NULL,
      version TEXT NOT NULL,
      folder TEXT NOT NULL,
      sha256 TEXT NOT NULL,
      signer_key_id TEXT,
      trusted INTEGER NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('active', 'previous', 'failed')),
      failure TEXT,
      installed_by TEXT,
      installed_at TEXT NOT NULL,
      PRIMARY KEY (name, version)
    )`);
    await queryRunner.query(
      "CREATE UNIQUE INDEX idx_plugin_packages_active ON plugin_packages (name) WHERE status = 'active'",
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE plugin_packages");
  }
}
