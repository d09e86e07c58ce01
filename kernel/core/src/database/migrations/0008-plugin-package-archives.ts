import { isPostgres } from "@roa2web/plugin-sdk";
import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Plugin packages stored once for every kernel sharing this database (ADR 0033): the
 * uploaded archive of each version kept (active and previous), so a kernel that learns
 * of a new version fetches it from here, verifies it itself and unpacks it into its own
 * folder; and what each kernel serves of each package (its outcome), so the admin API
 * says which kernel is behind. One row per archive, whole: a package is at most
 * PLUGIN_PACKAGE_MAX_BYTES (50 MiB), which a BLOB and a BYTEA hold and a driver reads
 * in one piece.
 */
export class PluginPackageArchives1765500000000 implements MigrationInterface {
  name = "PluginPackageArchives1765500000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    const bytes = isPostgres(queryRunner) ? "BYTEA" : "BLOB";
    await queryRunner.query(`CREATE TABLE plugin_package_archives (
      name TEXT NOT NULL,
      version TEXT NOT NULL,
      sha256 TEXT NOT NULL,
      size INTEGER NOT NULL,
      archive ${bytes} NOT NULL,
      stored_by TEXT,
      stored_at TEXT NOT NULL,
      PRIMARY KEY (name, version)
    )`);
    await queryRunner.query(`CREATE TABLE plugin_package_kernels (
      kernel TEXT NOT NULL,
      name TEXT NOT NULL,
      serving_version TEXT,
      wanted_version TEXT NOT NULL,
      failure TEXT,
      at TEXT NOT NULL,
      PRIMARY KEY (kernel, name)
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE plugin_package_kernels");
    await queryRunner.query("DROP TABLE plugin_package_archives");
  }
}
