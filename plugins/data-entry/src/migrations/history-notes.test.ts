import { afterEach, describe, expect, it } from "vitest";
import {
  migrationDatabaseFile,
  openMigrated,
  removeMigrationFolders,
} from "../test/migration-database.js";
import { CreateReceipts1764100000000 } from "./1764100000000-create-receipts.js";
import { DraftsAwaitingOcr1764200000000 } from "./1764200000000-drafts-awaiting-ocr.js";
import { HistoryNotes1764400000000 } from "./1764400000000-history-notes.js";

afterEach(removeMigrationFolders);

describe("migration HistoryNotes1764400000000", () => {
  it("turns the English OCR notes already stored into codes, and leaves moves alone", async () => {
    const file = migrationDatabaseFile();
    const earlier = [CreateReceipts1764100000000, DraftsAwaitingOcr1764200000000];
    const before = await openMigrated(file, earlier);
    await before.query(
      `INSERT INTO receipts VALUES (7, 1, 'REJECTED', 'OMV', 'RO1', '2026-01-15', 121, 21, 'RON', NULL, 'clerk', '2026-01-15', '2026-01-15', 'Filled by OCR (confidence 0.5): x', 'done', NULL)`,
    );
    await before.query(
      `INSERT INTO receipt_transitions (receipt_id, "from", "to", "by", "at", reason) VALUES
        (7, NULL, 'DRAFT', 'clerk', '2026-01-15', NULL),
        (7, 'DRAFT', 'DRAFT', 'clerk', '2026-01-15', 'Filled by OCR (confidence 0.79): merchant, date, total'),
        (7, 'DRAFT', 'PENDING', 'clerk', '2026-01-15', NULL),
        (7, 'PENDING', 'REJECTED', 'boss', '2026-01-16', 'Filled by OCR (confidence 0.10): looks wrong')`,
    );
    await before.destroy();

    const after = await openMigrated(file, [...earlier, HistoryNotes1764400000000]);
    const rows: Array<{ note_code: string | null; note_params: string | null; reason: string }> =
      await after.query(
        `SELECT note_code, note_params, reason FROM receipt_transitions ORDER BY id`,
      );
    expect(rows.map((row) => row.note_code)).toEqual([null, "ocr_filled", null, null]);
    expect(JSON.parse(rows[1]?.note_params ?? "null")).toEqual({
      confidence: 0.79,
      fields: ["merchant", "date", "total"],
    });
    // A rejection's own reason is the approver's text, whatever it says.
    expect(rows[3]?.reason).toBe("Filled by OCR (confidence 0.10): looks wrong");
    await after.destroy();
  });
});
