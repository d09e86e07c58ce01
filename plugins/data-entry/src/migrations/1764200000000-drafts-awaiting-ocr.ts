/**
 * Lets a DRAFT receipt wait for OCR without its merchant, date, total, VAT and currency (a
 * receipt created from a photo), and records the OCR's state on the receipt. Every
 * status past DRAFT still needs all five (a CHECK, besides the submit rule).
 *
 * SQLite cannot drop a NOT NULL, so the receipts table is rebuilt. Its children
 * (entries, history, attachments) are rebuilt with it: the migration runs inside a
 * transaction, where `PRAGMA foreign_keys = OFF` is a no-op, and dropping the old
 * receipts table while children still pointed at it would cascade-delete them.
 * The new tables are copied, the old ones dropped children first, and the renames
 * carry the children's references along (SQLite ≥ 3.26).
 *
 * PostgreSQL drops a NOT NULL and adds columns and constraints in place: no rebuild,
 * the same end schema (the new columns last, as the rebuild puts them).
 */
import { isPostgres } from "@roa2web/plugin-sdk";
import type { MigrationInterface, QueryRunner } from "typeorm";

const RECEIPT_COLUMNS = [
  "id",
  "company_id",
  "status",
  "merchant",
  "tax_id",
  "date",
  "total",
  "vat",
  "currency",
  "notes",
  "created_by",
  "created_at",
  "updated_at",
  "rejection_reason",
];

function receiptsTable(name: string, withOcr: boolean): string {
  const optional = withOcr ? "" : " NOT NULL";
  return `CREATE TABLE "${name}" (
    "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
    "company_id" integer NOT NULL,
    "status" varchar(10) NOT NULL CHECK ("status" IN ('DRAFT', 'PENDING', 'APPROVED', 'REJECTED')),
    "merchant" varchar(200)${optional},
    "tax_id" varchar(32) NOT NULL,
    "date" varchar(10)${optional},
    "total" decimal(14,2)${optional} CHECK ("total" > 0),
    "vat" decimal(14,2)${optional} CHECK ("vat" >= 0 AND "vat" <= "total"),
    "currency" varchar(3)${optional},
    "notes" text,
    "created_by" varchar(100) NOT NULL,
    "created_at" datetime NOT NULL,
    "updated_at" datetime NOT NULL,
    "rejection_reason" text${
      withOcr
        ? `,
    "ocr_status" varchar(10) CHECK ("ocr_status" IN ('pending', 'done', 'failed')),
    "ocr_job_id" varchar(36),
    CHECK ("status" = 'DRAFT' OR ("merchant" IS NOT NULL AND "date" IS NOT NULL AND "total" IS NOT NULL AND "vat" IS NOT NULL AND "currency" IS NOT NULL))`
        : ""
    }
  )`;
}

function childTables(suffix: string, parent: string): Array<[string, string, string[]]> {
  return [
    [
      "receipt_entries",
      `CREATE TABLE "receipt_entries${suffix}" (
        "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
        "receipt_id" integer NOT NULL REFERENCES "${parent}" ("id") ON DELETE CASCADE,
        "line" integer NOT NULL,
        "account" varchar(20) NOT NULL,
        "side" varchar(6) NOT NULL CHECK ("side" IN ('debit', 'credit')),
        "amount" decimal(14,2) NOT NULL CHECK ("amount" > 0),
        "explanation" varchar(300) NOT NULL,
        UNIQUE ("receipt_id", "line")
      )`,
      ["id", "receipt_id", "line", "account", "side", "amount", "explanation"],
    ],
    [
      "receipt_transitions",
      `CREATE TABLE "receipt_transitions${suffix}" (
        "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
        "receipt_id" integer NOT NULL REFERENCES "${parent}" ("id") ON DELETE CASCADE,
        "from" varchar(10),
        "to" varchar(10) NOT NULL,
        "by" varchar(100) NOT NULL,
        "at" datetime NOT NULL,
        "reason" text
      )`,
      ["id", "receipt_id", "from", "to", "by", "at", "reason"],
    ],
    [
      "attachments",
      `CREATE TABLE "attachments${suffix}" (
        "id" varchar(36) PRIMARY KEY NOT NULL,
        "receipt_id" integer NOT NULL REFERENCES "${parent}" ("id") ON DELETE CASCADE,
        "stored_name" varchar(64) NOT NULL UNIQUE,
        "display_name" varchar(200) NOT NULL,
        "mime" varchar(40) NOT NULL,
        "size" integer NOT NULL,
        "sha256" varchar(64) NOT NULL,
        "created_at" datetime NOT NULL
      )`,
      ["id", "receipt_id", "stored_name", "display_name", "mime", "size", "sha256", "created_at"],
    ],
  ];
}

const INDEXES = [
  `CREATE INDEX "receipts_by_company" ON "receipts" ("company_id", "date", "id")`,
  `CREATE INDEX "receipt_transitions_by_receipt" ON "receipt_transitions" ("receipt_id", "id")`,
  `CREATE INDEX "attachments_by_receipt" ON "attachments" ("receipt_id", "created_at")`,
];

const quoted = (columns: readonly string[]) => columns.map((column) => `"${column}"`).join(", ");

/** Rebuilds the four tables with the given receipts DDL; `where` filters the receipts kept. */
async function rebuild(queryRunner: QueryRunner, withOcr: boolean, where: string): Promise<void> {
  await queryRunner.query(receiptsTable("receipts_next", withOcr));
  await queryRunner.query(
    `INSERT INTO "receipts_next" (${quoted(RECEIPT_COLUMNS)}) SELECT ${quoted(RECEIPT_COLUMNS)} FROM "receipts" ${where}`,
  );
  const children = childTables("_next", "receipts_next");
  for (const [name, ddl, columns] of children) {
    await queryRunner.query(ddl);
    await queryRunner.query(
      `INSERT INTO "${name}_next" (${quoted(columns)}) SELECT ${quoted(columns)} FROM "${name}" WHERE "receipt_id" IN (SELECT "id" FROM "receipts_next")`,
    );
  }
  // Children first: once none points at the old receipts, dropping it cascades nowhere.
  for (const [name] of children) await queryRunner.query(`DROP TABLE "${name}"`);
  await queryRunner.query(`DROP TABLE "receipts"`);
  await queryRunner.query(`ALTER TABLE "receipts_next" RENAME TO "receipts"`);
  for (const [name] of children) {
    await queryRunner.query(`ALTER TABLE "${name}_next" RENAME TO "${name}"`);
  }
  for (const index of INDEXES) await queryRunner.query(index);
}

/** The fields a receipt past DRAFT must have; a DRAFT awaiting OCR may lack them. */
const DRAFT_OPTIONAL = ["merchant", "date", "total", "vat", "currency"];

/** The name PostgreSQL gives the table CHECK, so `down` can drop it. */
const COMPLETE_PAST_DRAFT = "receipts_complete_past_draft";

async function alterOnPostgres(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query(
    `ALTER TABLE "receipts" ${DRAFT_OPTIONAL.map((column) => `ALTER COLUMN "${column}" DROP NOT NULL`).join(", ")}`,
  );
  await queryRunner.query(
    `ALTER TABLE "receipts"
      ADD COLUMN "ocr_status" varchar(10) CHECK ("ocr_status" IN ('pending', 'done', 'failed')),
      ADD COLUMN "ocr_job_id" varchar(36),
      ADD CONSTRAINT "${COMPLETE_PAST_DRAFT}" CHECK ("status" = 'DRAFT' OR (${DRAFT_OPTIONAL.map((column) => `"${column}" IS NOT NULL`).join(" AND ")}))`,
  );
}

/** PostgreSQL's `down`: the drafts missing a field go (their children cascade), as on SQLite. */
async function revertOnPostgres(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query(
    `DELETE FROM "receipts" WHERE ${DRAFT_OPTIONAL.map((column) => `"${column}" IS NULL`).join(" OR ")}`,
  );
  await queryRunner.query(
    `ALTER TABLE "receipts"
      DROP CONSTRAINT "${COMPLETE_PAST_DRAFT}",
      DROP COLUMN "ocr_job_id",
      DROP COLUMN "ocr_status",
      ${DRAFT_OPTIONAL.map((column) => `ALTER COLUMN "${column}" SET NOT NULL`).join(", ")}`,
  );
}

export class DraftsAwaitingOcr1764200000000 implements MigrationInterface {
  name = "DraftsAwaitingOcr1764200000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    if (isPostgres(queryRunner)) return alterOnPostgres(queryRunner);
    await rebuild(queryRunner, true, "");
  }

  /** Back to complete receipts only: drafts still missing a field are dropped. */
  async down(queryRunner: QueryRunner): Promise<void> {
    if (isPostgres(queryRunner)) return revertOnPostgres(queryRunner);
    await rebuild(
      queryRunner,
      false,
      `WHERE "merchant" IS NOT NULL AND "date" IS NOT NULL AND "total" IS NOT NULL AND "vat" IS NOT NULL AND "currency" IS NOT NULL`,
    );
  }
}
