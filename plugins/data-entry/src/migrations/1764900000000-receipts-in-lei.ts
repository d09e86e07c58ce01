/**
 * Keeps what a foreign-currency receipt was booked with: the BNR rate (and its multiplier
 * and day) on the receipt, and each entry line's amount in the receipt's currency (the
 * line's `amount` is in lei). ADD COLUMN only: nullable columns, no rebuild, existing
 * receipts (all in lei so far, or never converted) keep NULL.
 */
import type { MigrationInterface, QueryRunner } from "typeorm";

export class ReceiptsInLei1764900000000 implements MigrationInterface {
  // Set explicitly so a bundler that renames classes cannot change the recorded name.
  name = "ReceiptsInLei1764900000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "receipts" ADD COLUMN "exchange_rate" decimal(14,4) CHECK ("exchange_rate" > 0)`,
    );
    await queryRunner.query(
      `ALTER TABLE "receipts" ADD COLUMN "rate_multiplier" integer CHECK ("rate_multiplier" > 0)`,
    );
    await queryRunner.query(`ALTER TABLE "receipts" ADD COLUMN "rate_date" varchar(10)`);
    await queryRunner.query(
      `ALTER TABLE "receipt_entries" ADD COLUMN "currency_amount" decimal(14,2) CHECK ("currency_amount" > 0)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "receipt_entries" DROP COLUMN "currency_amount"`);
    await queryRunner.query(`ALTER TABLE "receipts" DROP COLUMN "rate_date"`);
    await queryRunner.query(`ALTER TABLE "receipts" DROP COLUMN "rate_multiplier"`);
    await queryRunner.query(`ALTER TABLE "receipts" DROP COLUMN "exchange_rate"`);
  }
}
