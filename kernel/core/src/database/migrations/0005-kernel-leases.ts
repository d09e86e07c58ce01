import { isPostgres } from "@roa2web/plugin-sdk";
import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Leases: "exactly one kernel does X" among the kernels that share this data folder
 * (leases/sqlite-lease-store.ts). One row per lease, rewritten by its holder to renew.
 */
export class KernelLeases1765152000000 implements MigrationInterface {
  name = "KernelLeases1765152000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    // Milliseconds overflow PostgreSQL's INTEGER; SQLite's is already 64-bit (SQL as shipped).
    const milliseconds = isPostgres(queryRunner) ? "BIGINT" : "INTEGER";
    await queryRunner.query(`CREATE TABLE kernel_leases (
      name TEXT PRIMARY KEY NOT NULL,
      holder TEXT NOT NULL,
      acquired_at_ms ${milliseconds} NOT NULL,
      expires_at_ms ${milliseconds} NOT NULL
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE kernel_leases");
  }
}
