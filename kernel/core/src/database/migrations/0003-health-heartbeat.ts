import { isPostgres } from "@roa2web/plugin-sdk";
import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * One row that `/health` rewrites on every call: a committed write is the only proof
 * that the database still accepts writes (a disk gone read-only or full still reads).
 */
export class HealthHeartbeat1765036800000 implements MigrationInterface {
  name = "HealthHeartbeat1765036800000";

  async up(queryRunner: QueryRunner): Promise<void> {
    // Milliseconds overflow PostgreSQL's INTEGER; SQLite's is already 64-bit (SQL as shipped).
    const milliseconds = isPostgres(queryRunner) ? "BIGINT" : "INTEGER";
    await queryRunner.query(`CREATE TABLE health_heartbeat (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      written_at_ms ${milliseconds} NOT NULL
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE health_heartbeat");
  }
}
