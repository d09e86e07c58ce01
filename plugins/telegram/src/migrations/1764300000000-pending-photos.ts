/**
 * Photos waiting for "which company?" move from memory into the plugin's SQLite, so a
 * reload or a restart does not forget a question the user may still answer.
 */
import type { MigrationInterface, QueryRunner } from "typeorm";

export class PendingPhotos1764300000000 implements MigrationInterface {
  name = "PendingPhotos1764300000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "pending_photos" (
        "token" varchar(16) PRIMARY KEY NOT NULL,
        "owner" bigint NOT NULL,
        "chat_id" bigint NOT NULL,
        "file_id" varchar(256) NOT NULL,
        "file_name" varchar(100) NOT NULL,
        "size" integer,
        "expires_at" bigint NOT NULL
      )`,
    );
    await queryRunner.query(
      `CREATE INDEX "pending_photos_by_expiry" ON "pending_photos" ("expires_at")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "pending_photos_by_expiry"`);
    await queryRunner.query(`DROP TABLE "pending_photos"`);
  }
}
