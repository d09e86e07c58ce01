import { afterEach, describe, expect, it } from "vitest";
import {
  migrationDatabaseFile,
  openMigrated,
  removeMigrationFolders,
} from "../test/migration-database.js";
import { CreateReceipts1764100000000 } from "./1764100000000-create-receipts.js";
import { DraftsAwaitingOcr1764200000000 } from "./1764200000000-drafts-awaiting-ocr.js";
import { HistoryNotes1764400000000 } from "./1764400000000-history-notes.js";
import { ReceiptsInLei1764900000000 } from "./1764900000000-receipts-in-lei.js";
import { TransitionUserIds1765100000000 } from "./1765100000000-transition-user-ids.js";

afterEach(removeMigrationFolders);

describe("migration TransitionUserIds1765100000000", () => {
  it("adds the mover's user id to the history, leaving the lines already kept without one", async () => {
    const file = migrationDatabaseFile();
    const earlier = [
      CreateReceipts1764100000000,
      DraftsAwaitingOcr1764200000000,
      HistoryNotes1764400000000,
      ReceiptsInLei1764900000000,
    ];
    const before = await openMigrated(file, earlier);
    await before.query(
      `INSERT INTO receipts (id, company_id, status, merchant, tax_id, date, total, vat, currency, created_by, created_at, updated_at) VALUES (7, 1, 'PENDING', 'OMV', 'RO1590082', '2026-01-15', 121, 21, 'RON', 'clerk', '2026-01-15', '2026-01-15')`,
    );
    await before.query(
      `INSERT INTO receipt_transitions (receipt_id, "from", "to", "by", "at") VALUES
        (7, NULL, 'DRAFT', 'clerk', '2026-01-15'), (7, 'DRAFT', 'PENDING', 'clerk', '2026-01-15')`,
    );
    await before.destroy();

    const after = await openMigrated(file, [...earlier, TransitionUserIds1765100000000]);
    expect(await after.query(`SELECT "by", by_id FROM receipt_transitions ORDER BY id`)).toEqual([
      { by: "clerk", by_id: null },
      { by: "clerk", by_id: null },
    ]);
    await after.query(
      `INSERT INTO receipt_transitions (receipt_id, "from", "to", "by", by_id, "at") VALUES (7, 'PENDING', 'APPROVED', 'boss', 9, '2026-01-16')`,
    );
    expect(
      await after.query(`SELECT by_id FROM receipt_transitions WHERE "to" = 'APPROVED'`),
    ).toEqual([{ by_id: 9 }]);
    await after.undoLastMigration({ transaction: "all" });
    const columns = await after.query("PRAGMA table_info(receipt_transitions)");
    expect(columns.map((column: { name: string }) => column.name)).not.toContain("by_id");
    expect(await after.query("SELECT COUNT(*) AS n FROM receipt_transitions")).toEqual([{ n: 3 }]);
    await after.destroy();
  });
});
