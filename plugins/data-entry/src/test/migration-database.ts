// A data-entry database file for migration tests, opened as the kernel opens a plugin's
// database: foreign keys on, every pending migration in one transaction.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DataSource } from "typeorm";

const folders: string[] = [];

/** A new database file in its own temporary folder (removed by `removeMigrationFolders`). */
export function migrationDatabaseFile(): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), "data-entry-migration-"));
  folders.push(folder);
  return path.join(folder, "data-entry.db");
}

export function removeMigrationFolders(): void {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
}

/** Opens the file and runs the given migrations (those not applied yet). */
export async function openMigrated(
  file: string,
  migrations: Array<new () => object>,
): Promise<DataSource> {
  const dataSource = new DataSource({
    type: "better-sqlite3",
    database: file,
    migrations: migrations as never,
    migrationsTransactionMode: "all",
    prepareDatabase: (db: { pragma(sql: string): unknown }) => {
      db.pragma("foreign_keys = ON");
    },
  });
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: "all" });
  return dataSource;
}
