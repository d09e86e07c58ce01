/**
 * Creates the receipts, their entries, their workflow history and their attachments.
 * A migration that has shipped is never edited: append a new one in plugin.ts.
 */
import type { MigrationInterface, QueryRunner } from "typeorm";

export class CreateReceipts1764100000000 implements MigrationInterface {
  // Set explicitly so a bundler that renames classes cannot change the recorded name.
  name = "CreateReceipts1764100000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "receipts" (
        "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
        "company_id" integer NOT NULL,
        "status" varchar(10) NOT NULL CHECK ("status" IN ('DRAFT', 'PENDING', 'APPROVED', 'REJECTED')),
        "merchant" varchar(200) NOT NULL,
        "tax_id" varchar(32) NOT NULL,
        "date" varchar(10) NOT NULL,
        "total" decimal(14,2) NOT NULL CHECK ("total" > 0),
        "vat" decimal(14,2) NOT NULL CHECK ("vat" >= 0 AND "vat" <= "total"),
        "currency" varchar(3) NOT NULL,
        "notes" text,
        "created_by" varchar(100) NOT NULL,
        "created_at" datetime NOT NULL,
        "updated_at" datetime NOT NULL,
        "rejection_reason" text
      )`,
    );
    // The list route reads one company's receipts by status and date, newest first.
    await queryRunner.query(
      `CREATE INDEX "receipts_by_company" ON "receipts" ("company_id", "date", "id")`,
    );
    await queryRunner.query(
      `CREATE TABLE "receipt_entries" (
        "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
        "receipt_id" integer NOT NULL REFERENCES "receipts" ("id") ON DELETE CASCADE,
        "line" integer NOT NULL,
        "account" varchar(20) NOT NULL,
        "side" varchar(6) NOT NULL CHECK ("side" IN ('debit', 'credit')),
        "amount" decimal(14,2) NOT NULL CHECK ("amount" > 0),
        "explanation" varchar(300) NOT NULL,
        UNIQUE ("receipt_id", "line")
      )`,
    );
    await queryRunner.query(
      `CREATE TABLE "receipt_transitions" (
        "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
        "receipt_id" integer NOT NULL REFERENCES "receipts" ("id") ON DELETE CASCADE,
        "from" varchar(10),
        "to" varchar(10) NOT NULL,
        "by" varchar(100) NOT NULL,
        "at" datetime NOT NULL,
        "reason" text
      )`,
    );
    await queryRunner.query(
      `CREATE INDEX "receipt_transitions_by_receipt" ON "receipt_transitions" ("receipt_id", "id")`,
    );
    await queryRunner.query(
      `CREATE TABLE "attachments" (
        "id" varchar(36) PRIMARY KEY NOT NULL,
        "receipt_id" integer NOT NULL REFERENCES "receipts" ("id") ON DELETE CASCADE,
        "stored_name" varchar(64) NOT NULL UNIQUE,
        "display_name" varchar(200) NOT NULL,
        "mime" varchar(40) NOT NULL,
        "size" integer NOT NULL,
        "sha256" varchar(64) NOT NULL,
        "created_at" datetime NOT NULL
      )`,
    );
    await queryRunner.query(
      `CREATE INDEX "attachments_by_receipt" ON "attachments" ("receipt_id", "created_at")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "attachments"`);
    await queryRunner.query(`DROP TABLE "receipt_transitions"`);
    await queryRunner.query(`DROP TABLE "receipt_entries"`);
    await queryRunner.query(`DROP TABLE "receipts"`);
  }
}
