/**
 * Receipt notifications: which ones each Telegram user wants (both on unless a row says
 * otherwise) and the language of each linked chat, so a message sent without an
 * update to answer (a notification) is in the user's language.
 */
import { isPostgres } from "@roa2web/plugin-sdk";
import type { MigrationInterface, QueryRunner } from "typeorm";

/** PostgreSQL: a boolean defaults to `true` (not 1), a moment is timestamptz. */
const POSTGRES_SETTINGS = `CREATE TABLE "notification_settings" (
  "telegram_user_id" bigint PRIMARY KEY NOT NULL,
  "approvals" boolean NOT NULL DEFAULT true,
  "outcomes" boolean NOT NULL DEFAULT true,
  "updated_at" timestamptz NOT NULL
)`;

export class Notifications1764400000000 implements MigrationInterface {
  name = "Notifications1764400000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    if (isPostgres(queryRunner)) {
      await queryRunner.query(POSTGRES_SETTINGS);
    } else {
      await queryRunner.query(
        `CREATE TABLE "notification_settings" (
        "telegram_user_id" bigint PRIMARY KEY NOT NULL,
        "approvals" boolean NOT NULL DEFAULT (1),
        "outcomes" boolean NOT NULL DEFAULT (1),
        "updated_at" datetime NOT NULL
      )`,
      );
    }
    await queryRunner.query(`ALTER TABLE "links" ADD COLUMN "language" varchar(8)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "links" DROP COLUMN "language"`);
    await queryRunner.query(`DROP TABLE "notification_settings"`);
  }
}
