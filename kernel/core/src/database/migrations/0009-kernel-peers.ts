import { isPostgres } from "@roa2web/plugin-sdk";
import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The kernels sharing this database, one row each, rewritten every few seconds by its
 * kernel (health/peer-heartbeat.ts): `/health` names its peers from it. Times are the
 * database's clock, so kernels whose clocks differ agree on who was seen when.
 */
export class KernelPeers1765690000000 implements MigrationInterface {
  name = "KernelPeers1765690000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    // Milliseconds overflow PostgreSQL's INTEGER; SQLite's is already 64-bit.
    const milliseconds = isPostgres(queryRunner) ? "BIGINT" : "INTEGER";
    await queryRunner.query(`CREATE TABLE kernel_peers (
      kernel_id TEXT PRIMARY KEY NOT NULL,
      host TEXT NOT NULL,
      pid INTEGER NOT NULL,
      version TEXT NOT NULL,
      started_at_ms ${milliseconds} NOT NULL,
      seen_at_ms ${milliseconds} NOT NULL,
      redis TEXT
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE kernel_peers");
  }
}
