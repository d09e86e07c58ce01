import { afterEach, describe, expect, it } from "vitest";
import {
  migrationDatabaseFile,
  openMigrated,
  removeMigrationFolders,
} from "../test/migration-database.js";
import { CreateReceipts1764100000000 } from "./1764100000000-create-receipts.js";
import { DraftsAwaitingOcr1764200000000 } from "./1764200000000-drafts-awaiting-ocr.js";
import { ReceiptsInLei1764900000000 } from "./1764900000000-receipts-in-lei.js";

afterEach(removeMigrationFolders);

describe("migration ReceiptsInLei1764900000000", () => {
  it("adds the rate and the currency amounts, keeping receipts and entries as they were", async () => {
    const file = migrationDatabaseFile();
    const earlier = [CreateReceipts1764100000000, DraftsAwaitingOcr1764200000000];
    const before = await openMigrated(file, earlier);
    await before.query(
      `INSERT INTO receipts (id, company_id, status, merchant, tax_id, date, total, vat, currency, created_by, created_at, updated_at) VALUES (7, 1, 'APPROVED', 'OMV', 'RO1590082', '2026-01-15', 121, 21, 'RON', 'clerk', '2026-01-15', '2026-01-15')`,
    );
    await before.query(
      `INSERT INTO receipt_entries (receipt_id, line, account, side, amount, explanation) VALUES (7, 1, '6022', 'debit', 121, 'x'), (7, 2, '401', 'credit', 121, 'x')`,
    );
    await before.destroy();

    const after = await openMigrated(file, [...earlier, ReceiptsInLei1764900000000]);
    const [receipt] = await after.query("SELECT * FROM receipts");
    expect(receipt).toMatchObject({
      id: 7,
      total: 121,
      exchange_rate: null,
      rate_multiplier: null,
      rate_date: null,
    });
    const entries = await after.query("SELECT amount, currency_amount FROM receipt_entries");
    expect(entries).toEqual([
      { amount: 121, currency_amount: null },
      { amount: 121, currency_amount: null },
    ]);
    await after.query(
      "UPDATE receipts SET exchange_rate = 4.9735, rate_multiplier = 1, rate_date = '2026-01-15'",
    );
    await expect(after.query("UPDATE receipts SET exchange_rate = 0")).rejects.toThrow(/CHECK/);
    await expect(after.query("UPDATE receipt_entries SET currency_amount = -1")).rejects.toThrow(
      /CHECK/,
    );
    // Deleting a receipt still takes its entries along.
    await after.query("DELETE FROM receipts WHERE id = 7");
    expect(await after.query("SELECT * FROM receipt_entries")).toEqual([]);
    await after.undoLastMigration({ transaction: "all" });
    const columns = await after.query("PRAGMA table_info(receipts)");
    expect(columns.map((column: { name: string }) => column.name)).not.toContain("exchange_rate");
    await after.destroy();
  });
});
