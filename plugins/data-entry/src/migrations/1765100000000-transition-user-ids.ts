/**
 * Who moved a receipt, as a kernel user id beside the user name already kept: the
 * receipt events name the submitter by id, so the Telegram bot can tell them the
 * outcome (a user name can be given to someone else; an id cannot). ADD COLUMN only:
 * lines written before it, OCR notes and the creation line keep NULL.
 */
import type { MigrationInterface, QueryRunner } from "typeorm";

export class TransitionUserIds1765100000000 implements MigrationInterface {
  // Set explicitly so a bundler that renames classes cannot change the recorded name.
  name = "TransitionUserIds1765100000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "receipt_transitions" ADD COLUMN "by_id" integer`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "receipt_transitions" DROP COLUMN "by_id"`);
  }
}
