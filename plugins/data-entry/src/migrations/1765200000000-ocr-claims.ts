/**
 * Who is reading a receipt awaiting OCR, and until when: two kernels over one data
 * folder (a hand-over, #18) both look for receipts whose OCR was interrupted, and only
 * the one that claims a receipt reads it. A claim is renewed while its job runs; a
 * claim left by a kernel that died lapses and another kernel takes the receipt up.
 * The expiry is in epoch milliseconds: past 2^31, so `bigint` on PostgreSQL (SQLite's
 * `integer` holds 64 bits).
 */
import { isPostgres } from "@roa2web/plugin-sdk";
import type { MigrationInterface, QueryRunner } from "typeorm";

export class OcrClaims1765200000000 implements MigrationInterface {
  name = "OcrClaims1765200000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "receipts" ADD COLUMN "ocr_claimed_by" varchar(64)`);
    await queryRunner.query(
      isPostgres(queryRunner)
        ? `ALTER TABLE "receipts" ADD COLUMN "ocr_claim_expires_ms" bigint`
        : `ALTER TABLE "receipts" ADD COLUMN "ocr_claim_expires_ms" integer`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "receipts" DROP COLUMN "ocr_claim_expires_ms"`);
    await queryRunner.query(`ALTER TABLE "receipts" DROP COLUMN "ocr_claimed_by"`);
  }
}
