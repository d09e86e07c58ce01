import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * One row that `/health` rewrites on every call: a committed write is the only proof
 * that the database still accepts writes (a disk gone read-only or full still reads).
 */
export class HealthHeartbeat1765036800000 implements MigrationInterface {
  name = "HealthHeartbeat1765036800000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE health_heartbeat (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      written_at_ms INTEGER NOT NULL
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE health_heartbeat");
  }
}
