/** Creates link_codes and links. Never edit once shipped: append a new migration. */
import type { MigrationInterface, QueryRunner } from "typeorm";

export class CreateTelegram1764100000000 implements MigrationInterface {
  name = "CreateTelegram1764100000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "link_codes" (
        "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
        "code_hash" varchar(64) NOT NULL UNIQUE,
        "user_id" integer NOT NULL,
        "username" varchar(100) NOT NULL,
        "display_name" varchar(200) NOT NULL,
        "companies" text NOT NULL,
        "permissions" text NOT NULL,
        "expires_at" datetime NOT NULL,
        "used_at" datetime,
        "attempts" integer NOT NULL DEFAULT 0,
        "created_at" datetime NOT NULL
      )`,
    );
    await queryRunner.query(`CREATE INDEX "link_codes_by_user" ON "link_codes" ("user_id")`);
    await queryRunner.query(
      `CREATE TABLE "links" (
        "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
        "telegram_user_id" bigint NOT NULL UNIQUE,
        "chat_id" bigint NOT NULL,
        "user_id" integer NOT NULL,
        "username" varchar(100) NOT NULL,
        "display_name" varchar(200) NOT NULL,
        "companies" text NOT NULL,
        "permissions" text NOT NULL,
        "current_company_id" integer,
        "linked_at" datetime NOT NULL
      )`,
    );
    await queryRunner.query(`CREATE INDEX "links_by_user" ON "links" ("user_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "links_by_user"`);
    await queryRunner.query(`DROP TABLE "links"`);
    await queryRunner.query(`DROP INDEX "link_codes_by_user"`);
    await queryRunner.query(`DROP TABLE "link_codes"`);
  }
}
