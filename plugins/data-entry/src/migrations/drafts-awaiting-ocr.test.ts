import { afterEach, describe, expect, it } from "vitest";
import {
  migrationDatabaseFile,
  openMigrated,
  removeMigrationFolders,
} from "../test/migration-database.js";
import { CreateReceipts1764100000000 } from "./1764100000000-create-receipts.js";
import { DraftsAwaitingOcr1764200000000 } from "./1764200000000-drafts-awaiting-ocr.js";

afterEach(removeMigrationFolders);

describe("migration DraftsAwaitingOcr1764200000000", () => {
  it("keeps every receipt with its entries, history and attachments, and their cascade", async () => {
    const file = migrationDatabaseFile();
    const before = await openMigrated(file, [CreateReceipts1764100000000]);
    await before.query(
      `INSERT INTO receipts VALUES (7, 1, 'APPROVED', 'OMV', 'RO1', '2026-01-15', 121, 21, 'RON', NULL, 'clerk', '2026-01-15', '2026-01-15', NULL)`,
    );
    await before.query(
      `INSERT INTO receipt_entries (receipt_id, line, account, side, amount, explanation) VALUES (7, 1, '6022', 'debit', 121, ''), (7, 2, '401', 'credit', 121, '')`,
    );
    await before.query(
      `INSERT INTO receipt_transitions (receipt_id, "from", "to", "by", "at") VALUES (7, NULL, 'DRAFT', 'clerk', '2026-01-15')`,
    );
    await before.query(
      `INSERT INTO attachments VALUES ('a', 7, 'x.jpg', 'x.jpg', 'image/jpeg', 1, 'h', '2026-01-15')`,
    );
    await before.destroy();

    const after = await openMigrated(file, [
      CreateReceipts1764100000000,
      DraftsAwaitingOcr1764200000000,
    ]);
    const count = async (table: string) =>
      Number((await after.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);
    expect(await count("receipts")).toBe(1);
    expect(await count("receipt_entries")).toBe(2);
    expect(await count("receipt_transitions")).toBe(1);
    expect(await count("attachments")).toBe(1);
    const [receipt] = await after.query("SELECT * FROM receipts");
    expect(receipt).toMatchObject({ id: 7, merchant: "OMV", ocr_status: null, ocr_job_id: null });

    // A DRAFT may wait for its fields; nothing past DRAFT may.
    await after.query(
      `INSERT INTO receipts (company_id, status, merchant, tax_id, date, total, vat, currency, created_by, created_at, updated_at, ocr_status) VALUES (1, 'DRAFT', NULL, '', NULL, NULL, NULL, NULL, 'clerk', '2026-01-16', '2026-01-16', 'pending')`,
    );
    await expect(
      after.query(
        `INSERT INTO receipts (company_id, status, merchant, tax_id, date, total, vat, currency, created_by, created_at, updated_at) VALUES (1, 'PENDING', NULL, '', NULL, NULL, NULL, NULL, 'clerk', '2026-01-16', '2026-01-16')`,
      ),
    ).rejects.toThrow(/CHECK/);
    const [draft] = await after.query("SELECT id FROM receipts WHERE status = 'DRAFT'");
    expect(draft.id).toBe(8);

    // The children point at the new table: deleting a receipt still takes them along.
    await after.query("DELETE FROM receipts WHERE id = 7");
    expect(await count("receipt_entries")).toBe(0);
    expect(await count("receipt_transitions")).toBe(0);
    expect(await count("attachments")).toBe(0);
    const [fk] = await after.query("PRAGMA foreign_key_check");
    expect(fk).toBeUndefined();
    await after.destroy();
  });
});
