/**
 * A history line that is a note, not a move (OCR filled fields), as a code and its
 * parameters, so the UI renders it in the reader's language (the stored `reason`
 * keeps a text in the records' language for whoever reads the table itself).
 * Notes written before this migration, English text only, are turned into codes.
 */
import { portableSql } from "@roa2web/plugin-sdk";
import type { MigrationInterface, QueryRunner } from "typeorm";

const OCR_NOTE = /^Filled by OCR \(confidence ([0-9.]+)\): (.*)$/;

export class HistoryNotes1764400000000 implements MigrationInterface {
  name = "HistoryNotes1764400000000";

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "receipt_transitions" ADD COLUMN "note_code" varchar(40)`);
    await runner.query(`ALTER TABLE "receipt_transitions" ADD COLUMN "note_params" text`);
    const rows: Array<{ id: number; reason: string }> = await runner.query(
      `SELECT "id", "reason" FROM "receipt_transitions"
        WHERE "from" = "to" AND "reason" LIKE 'Filled by OCR (confidence %'`,
    );
    for (const row of rows) {
      const match = OCR_NOTE.exec(row.reason);
      if (!match) continue;
      const params = {
        confidence: Number(match[1]),
        fields: (match[2] ?? "").split(",").map((name) => name.trim()),
      };
      await runner.query(
        portableSql(
          runner,
          `UPDATE "receipt_transitions" SET "note_code" = 'ocr_filled', "note_params" = ? WHERE "id" = ?`,
        ),
        [JSON.stringify(params), row.id],
      );
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "receipt_transitions" DROP COLUMN "note_params"`);
    await runner.query(`ALTER TABLE "receipt_transitions" DROP COLUMN "note_code"`);
  }
}
