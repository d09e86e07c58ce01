// Prepared INSERTs for every demo table, with row counts for the generation summary.
import type Database from "better-sqlite3";
import { DEMO_ERP_TABLES, type DemoErpTable } from "./schema.js";

export type TableCounts = Record<DemoErpTable, number>;

type Row = ReadonlyArray<string | number | null>;

const COLUMNS: Record<DemoErpTable, readonly string[]> = {
  meta: ["key", "value"],
  exchange_rates: ["rate_date", "currency", "rate", "multiplier"],
  companies: ["id", "code", "name", "tax_id", "currency", "city"],
  periods: ["company_id", "year", "month", "closed"],
  accounts: ["company_id", "code", "name", "class", "kind", "level", "parent_code"],
  partners: ["id", "company_id", "name", "tax_id", "kind", "city"],
  treasury_accounts: ["company_id", "code", "name", "kind", "bank_name", "iban", "currency"],
  invoices: [
    "id",
    "company_id",
    "kind",
    "number",
    "partner_id",
    "issue_date",
    "due_date",
    "net_amount",
    "vat_amount",
    "total_amount",
    "paid_amount",
    "currency",
    "description",
  ],
  payments: ["id", "company_id", "invoice_id", "date", "amount", "account_code"],
  ledger_entries: [
    "id",
    "company_id",
    "date",
    "document_type",
    "document_id",
    "document_number",
    "debit_account",
    "credit_account",
    "amount",
    "explanation",
  ],
  treasury_movements: [
    "id",
    "company_id",
    "account_code",
    "date",
    "document_type",
    "document_number",
    "description",
    "partner_id",
    "receipt",
    "payment",
  ],
};

export class DemoErpWriter {
  readonly counts: TableCounts;
  private readonly statements: Record<DemoErpTable, Database.Statement>;

  constructor(private readonly db: Database.Database) {
    const counts = {} as TableCounts;
    const statements = {} as Record<DemoErpTable, Database.Statement>;
    for (const table of DEMO_ERP_TABLES) {
      const columns = COLUMNS[table];
      counts[table] = 0;
      statements[table] = db.prepare(
        `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
      );
    }
    this.counts = counts;
    this.statements = statements;
  }

  insert(table: DemoErpTable, row: Row): void {
    this.statements[table].run(row);
    this.counts[table]++;
  }

  /** Empties every demo table, children first so foreign keys never object. */
  clear(): void {
    for (const table of [...DEMO_ERP_TABLES].reverse())
      this.db.prepare(`DELETE FROM ${table}`).run();
  }
}
