/**
 * Creates the notes table. A migration that has shipped is never edited: change the
 * schema with a new migration appended to `database.migrations` in plugin.ts.
 */
import type { MigrationInterface, QueryRunner } from "typeorm";

export class CreateNotes1763900000000 implements MigrationInterface {
  // TypeORM records this name once applied; set it explicitly so a bundler that
  // renames classes cannot change it.
  name = "CreateNotes1763900000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "notes" (
        "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
        "company_id" integer NOT NULL,
        "title" varchar(200) NOT NULL,
        "body" text NOT NULL,
        "created_by" varchar(100) NOT NULL,
        "created_at" datetime NOT NULL
      )`,
    );
    // The list route reads one company's notes, newest first.
    await queryRunner.query(
      `CREATE INDEX "notes_by_company" ON "notes" ("company_id", "created_at", "id")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "notes_by_company"`);
    await queryRunner.query(`DROP TABLE "notes"`);
  }
}
