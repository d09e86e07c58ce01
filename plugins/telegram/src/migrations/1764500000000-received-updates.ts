/**
 * The webhook updates already taken, shared by every kernel on the database (#18): an
 * update Telegram delivers twice (it redelivers one whose answer timed out; behind a
 * load balancer the copy may reach another kernel) is claimed once, by its update_id.
 * `received_at` (epoch ms) lets old rows be purged.
 */
import type { MigrationInterface, QueryRunner } from "typeorm";

export class ReceivedUpdates1764500000000 implements MigrationInterface {
  name = "ReceivedUpdates1764500000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "received_updates" (
        "update_id" bigint PRIMARY KEY NOT NULL,
        "received_at" bigint NOT NULL
      )`,
    );
    await queryRunner.query(
      `CREATE INDEX "received_updates_by_time" ON "received_updates" ("received_at")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "received_updates_by_time"`);
    await queryRunner.query(`DROP TABLE "received_updates"`);
  }
}
