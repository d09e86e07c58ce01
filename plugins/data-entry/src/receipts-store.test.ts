/**
 * ReceiptsStore on both databases the kernel may open the plugin's on: a SQLite file (the
 * default) and PostgreSQL (the plugin's schema, DATABASE_URL set), each migrated from
 * empty by the kernel's own opener. The same cases run on both.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { openPluginDatabase, type PluginDatabaseWhere } from "@roa2web/kernel/testing";
import { describeWithServers } from "@roa2web/test-servers";
import type { DataSource } from "typeorm";
import { afterAll, describe, expect, it } from "vitest";
import { ENTITIES } from "./entities.js";
import { MIGRATIONS } from "./migrations/index.js";
import { ReceiptsStore } from "./receipts-store.js";
import { usePostgres } from "./test/postgres-storage.js";
import { transitionFor } from "./workflow.js";

const clerk = { id: 3, username: "clerk" };
const boss = { id: 4, username: "boss" };
const fields = {
  merchant: "OMV Petrom",
  taxId: "RO1590082",
  date: "2026-01-15",
  total: 121.5,
  vat: 21.09,
  currency: "RON",
  notes: null,
};
const move = (
  status: Parameters<typeof transitionFor>[0],
  action: "submit" | "approve" | "reject",
) => {
  const transition = transitionFor(status, action);
  if (!transition) throw new Error(`no ${action} from ${status}`);
  return transition;
};

/** Tables and columns (in order, with nullability) as the database itself reports them. */
async function schemaOf(database: DataSource): Promise<Record<string, string[]>> {
  const postgres = database.options.type === "postgres";
  const tables: Array<{ name: string }> = await database.query(
    postgres
      ? "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name <> 'migrations' ORDER BY table_name"
      : "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT IN ('migrations', 'sqlite_sequence') ORDER BY name",
  );
  const schema: Record<string, string[]> = {};
  for (const { name } of tables) {
    const columns: Array<{ name: string; nullable: boolean | number | string }> =
      await database.query(
        postgres
          ? `SELECT column_name AS name, is_nullable = 'YES' AS nullable FROM information_schema.columns
              WHERE table_schema = current_schema() AND table_name = '${name}' ORDER BY ordinal_position`
          : `SELECT name, "notnull" = 0 AS nullable FROM pragma_table_info('${name}') ORDER BY cid`,
      );
    schema[name] = columns.map((column) => `${column.name}${column.nullable ? "" : " NOT NULL"}`);
  }
  return schema;
}

/** The cases, run on one engine: `where` gives a fresh, empty database each time. */
function storeCases(where: () => Promise<PluginDatabaseWhere>) {
  const opened: DataSource[] = [];
  const open = async () => {
    const { dataSource, appliedMigrations } = await openPluginDatabase({
      ...(await where()),
      entities: ENTITIES,
      migrations: MIGRATIONS,
    });
    opened.push(dataSource);
    expect(appliedMigrations).toEqual(MIGRATIONS.map((Migration) => new Migration().name));
    return dataSource;
  };
  afterAll(async () => {
    for (const dataSource of opened) if (dataSource.isInitialized) await dataSource.destroy();
  });

  it("creates, books, submits, approves and rejects receipts, with their history and attachment", async () => {
    const store = new ReceiptsStore(await open());
    const now = new Date("2026-01-15T09:30:00.000Z");
    const receipt = await store.create(1, fields, "clerk", now, {
      id: "0b8e4c1e-8f9a-4d55-9d0c-2b8f0f3a9a10",
      storedName: "0b8e4c1e-8f9a-4d55-9d0c-2b8f0f3a9a10.jpg",
      displayName: "bon.jpg",
      mime: "image/jpeg",
      size: 48_213,
      sha256: "a".repeat(64),
      createdAt: now,
    });
    expect(receipt).toMatchObject({ id: expect.any(Number), status: "DRAFT", total: 121.5 });
    const entries = await store.replaceEntries(receipt, [
      { account: "6022", side: "debit", amount: 100.41, explanation: "fuel", currencyAmount: null },
      { account: "4426", side: "debit", amount: 21.09, explanation: "VAT", currencyAmount: null },
      { account: "401", side: "credit", amount: 121.5, explanation: "OMV", currencyAmount: null },
    ]);
    expect(entries.map((entry) => entry.line)).toEqual([1, 2, 3]);

    const stored = await store.find(receipt.id);
    // Decimals come back as numbers and moments as the same Date on either engine.
    expect(stored).toMatchObject({ total: 121.5, vat: 21.09, createdAt: now, ocrStatus: null });
    expect(stored).not.toHaveProperty("ocrClaimedBy");
    expect((await store.entries(receipt.id)).map((entry) => entry.amount)).toEqual([
      100.41, 21.09, 121.5,
    ]);
    expect(await store.attachments(receipt.id)).toEqual([
      expect.objectContaining({ displayName: "bon.jpg", size: 48_213, createdAt: now }),
    ]);

    const later = new Date("2026-01-16T08:00:00.000Z");
    const submitted = await store.transition(
      receipt,
      move("DRAFT", "submit"),
      clerk,
      null,
      () => {},
      now,
    );
    expect(submitted.submittedBy).toEqual({ id: 3, username: "clerk" });
    const approved = await store.transition(
      submitted.receipt,
      move("PENDING", "approve"),
      boss,
      null,
      () => {},
      later,
    );
    expect(approved).toMatchObject({ receipt: { status: "APPROVED" }, submittedBy: { id: 3 } });
    // A second approval read the receipt as PENDING: someone moved it first.
    await expect(
      store.transition(submitted.receipt, move("PENDING", "approve"), boss, null),
    ).rejects.toThrow(/changed by someone else/);

    const other = await store.create(1, { ...fields, date: "2026-01-20" }, "clerk", now);
    const pending = await store.transition(other, move("DRAFT", "submit"), clerk, null);
    await store.transition(pending.receipt, move("PENDING", "reject"), boss, "VAT line missing");
    expect(await store.find(other.id)).toMatchObject({
      status: "REJECTED",
      rejectionReason: "VAT line missing",
    });
    expect(
      (await store.history(receipt.id)).map((line) => [line.from, line.to, line.byId]),
    ).toEqual([
      [null, "DRAFT", null],
      ["DRAFT", "PENDING", 3],
      ["PENDING", "APPROVED", 4],
    ]);
    expect((await store.history(receipt.id))[2]?.at).toEqual(later);
    expect(await store.counts()).toEqual({ APPROVED: 1, REJECTED: 1 });

    // The list: one company's receipts, undated drafts first, then newest date first, paged.
    const undated = await store.create(
      1,
      { ...fields, merchant: null, date: null, total: null, vat: null, currency: null },
      "clerk",
      now,
    );
    await store.create(2, fields, "clerk", now);
    const page = await store.page(
      { companyId: 1, undated: true, dateFrom: "2026-01-16" },
      { skip: 0, take: 2 },
    );
    expect(page.total).toBe(2);
    expect(page.items.map((item) => item.id)).toEqual([undated.id, other.id]);
    const second = await store.page({ companyId: 1 }, { skip: 1, take: 1 });
    expect(second).toMatchObject({ total: 3, items: [{ id: other.id }] });

    // Deleting a receipt takes its entries, history and attachment rows along.
    const approvedNow = await store.find(receipt.id);
    if (!approvedNow) throw new Error("the approved receipt is gone");
    const removed = await store.remove(approvedNow);
    expect(removed).toEqual([
      {
        id: "0b8e4c1e-8f9a-4d55-9d0c-2b8f0f3a9a10",
        storedName: "0b8e4c1e-8f9a-4d55-9d0c-2b8f0f3a9a10.jpg",
      },
    ]);
    expect(await store.entries(receipt.id)).toEqual([]);
    expect(await store.history(receipt.id)).toEqual([]);
    expect(await store.attachmentFileNames()).toEqual(new Set());
  });

  it("lets exactly one kernel claim a receipt awaiting OCR, until its claim lapses", async () => {
    const store = new ReceiptsStore(await open());
    const receipt = await store.create(
      1,
      { ...fields, merchant: null, total: null, vat: null },
      "clerk",
    );
    // Epoch milliseconds: past 2^31, which an `integer` column on PostgreSQL cannot hold.
    const now = Date.UTC(2026, 0, 15, 9, 30);
    await store.setOcr(receipt.id, "pending", "job-1", {
      holder: "kernel-a",
      expiresMs: now + 30_000,
    });
    expect(await store.awaitingOcr(now)).toEqual([]);
    expect(
      await store.claimOcr(receipt.id, { holder: "kernel-b", expiresMs: now + 60_000 }, now),
    ).toBe(false);

    await store.renewOcrClaims("kernel-a", now + 90_000);
    expect(await store.awaitingOcr(now + 60_000)).toEqual([]);
    // Kernel A died: once its claim lapses, the receipt is offered again and B takes it.
    expect((await store.awaitingOcr(now + 90_000)).map((found) => found.id)).toEqual([receipt.id]);
    const attempts = await Promise.all([
      store.claimOcr(receipt.id, { holder: "kernel-b", expiresMs: now + 120_000 }, now + 90_000),
      store.claimOcr(receipt.id, { holder: "kernel-c", expiresMs: now + 120_000 }, now + 90_000),
    ]);
    expect(attempts).toEqual([true, false]);

    await store.releaseOcrClaims("kernel-b");
    expect((await store.awaitingOcr(now + 90_000)).map((found) => found.id)).toEqual([receipt.id]);
    const { receipt: filled } = await store.applyOcr(
      receipt.id,
      () => ({
        changes: { merchant: "OMV", total: 121.5, vat: 21.09 },
        note: {
          code: "ocr_filled",
          params: { confidence: 0.82, fields: ["merchant", "total", "vat"] },
          text: "Filled by OCR (confidence 0.82): merchant, total, vat",
        },
      }),
      "clerk",
    );
    expect(filled).toMatchObject({ ocrStatus: "done", merchant: "OMV" });
    expect(await store.awaitingOcr(now + 90_000)).toEqual([]);
    expect((await store.history(receipt.id)).at(-1)).toMatchObject({
      noteCode: "ocr_filled",
      noteParams: { confidence: 0.82, fields: ["merchant", "total", "vat"] },
    });
  });

  return { open };
}

describe("ReceiptsStore on SQLite", () => {
  const folder = mkdtempSync(path.join(os.tmpdir(), "data-entry-store-"));
  let files = 0;
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  storeCases(async () => ({ file: path.join(folder, `data-entry-${++files}.db`) }));
});

describeWithServers(["postgres"], "ReceiptsStore on PostgreSQL", () => {
  const { open } = storeCases(usePostgres().pluginDatabase);

  it("reaches the SQLite schema from empty, in the plugin's own schema, and undoes every migration", async () => {
    const postgres = await open();
    const folder = mkdtempSync(path.join(os.tmpdir(), "data-entry-schema-"));
    try {
      const { dataSource: sqlite } = await openPluginDatabase({
        file: path.join(folder, "data-entry.db"),
        entities: ENTITIES,
        migrations: MIGRATIONS,
      });
      const expected = await schemaOf(sqlite);
      await sqlite.destroy();
      expect(await schemaOf(postgres)).toEqual(expected);
      expect(Object.keys(expected)).toEqual([
        "attachment_chunks",
        "attachments",
        "receipt_entries",
        "receipt_transitions",
        "receipts",
      ]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
    expect(await postgres.query("SELECT current_schema() AS schema")).toEqual([
      { schema: "plugin_data_entry" },
    ]);
    // A receipt past DRAFT still needs every field (the table CHECK the SQLite rebuild has).
    await expect(
      postgres.query(
        `INSERT INTO receipts (company_id, status, tax_id, created_by, created_at, updated_at) VALUES (1, 'PENDING', '', 'clerk', now(), now())`,
      ),
    ).rejects.toThrow(/receipts_complete_past_draft/);
    for (const _ of MIGRATIONS) await postgres.undoLastMigration({ transaction: "all" });
    expect(await schemaOf(postgres)).toEqual({});
  });
});
