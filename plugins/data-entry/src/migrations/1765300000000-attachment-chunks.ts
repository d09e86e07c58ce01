/**
 * The bytes of attachments kept in the database (DATA_ENTRY_ATTACHMENTS=database, the
 * default on PostgreSQL; ADR 0031): 256 KiB chunks of each file, in order, deleted with
 * their attachment's row. `bytea` on PostgreSQL, `blob` on SQLite. Created on both
 * engines whichever storage is chosen, so switching needs no migration.
 */
import { isPostgres } from "@roa2web/plugin-sdk";
import type { MigrationInterface, QueryRunner } from "typeorm";

export class AttachmentChunks1765300000000 implements MigrationInterface {
  name = "AttachmentChunks1765300000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "attachment_chunks" (
        "attachment_id" varchar(36) NOT NULL REFERENCES "attachments" ("id") ON DELETE CASCADE,
        "part" integer NOT NULL,
        "bytes" ${isPostgres(queryRunner) ? "bytea" : "blob"} NOT NULL,
        PRIMARY KEY ("attachment_id", "part")
      )`,
    );
    if (isPostgres(queryRunner)) {
      // Photos and PDFs are compressed already: TOAST stores them out of line as they
      // are instead of trying (and failing) to compress every chunk first.
      await queryRunner.query(
        `ALTER TABLE "attachment_chunks" ALTER COLUMN "bytes" SET STORAGE EXTERNAL`,
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "attachment_chunks"`);
  }
}
