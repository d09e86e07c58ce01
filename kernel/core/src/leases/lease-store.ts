/**
 * Where leases live. The kernel's database (SQLite, or PostgreSQL with DATABASE_URL) backs them here (one row per lease,
 * each change a single statement, so two processes never both win); #18 can put a
 * PostgreSQL advisory lock or Redis behind the same three calls.
 */
import { runSql } from "@roa2web/plugin-sdk";
import type { DataSource } from "typeorm";

export interface LeaseRecord {
  name: string;
  holder: string;
  acquiredAtMs: number;
  expiresAtMs: number;
}

export interface LeaseStore {
  /**
   * Takes the lease for `holder` until `now + ttlMs` if it is free, lapsed, or already
   * the holder's (a renewal). Returns the lease as it stands afterwards: held by
   * `holder` when it won, by another otherwise.
   */
  acquire(name: string, holder: string, ttlMs: number, now: number): Promise<LeaseRecord>;
  /** Gives the lease up if `holder` still holds it. */
  release(name: string, holder: string): Promise<void>;
  /** Every lease row (lapsed ones too: the reader compares with the clock). */
  list(): Promise<LeaseRecord[]>;
}

interface Row {
  name: string;
  holder: string;
  acquired_at_ms: number;
  expires_at_ms: number;
}

const toRecord = (row: Row): LeaseRecord => ({
  name: String(row.name),
  holder: String(row.holder),
  acquiredAtMs: Number(row.acquired_at_ms),
  expiresAtMs: Number(row.expires_at_ms),
});

export class SqliteLeaseStore implements LeaseStore {
  constructor(private readonly database: DataSource) {}

  async acquire(name: string, holder: string, ttlMs: number, now: number): Promise<LeaseRecord> {
    // One statement: SQLite runs it under its write lock, PostgreSQL's upsert locks the
    // row it conflicts on, so of two kernels racing for a free or lapsed lease exactly one
    // updates it; the other's WHERE finds it taken.
    const rows = (await runSql(
      this.database,
      `INSERT INTO kernel_leases (name, holder, acquired_at_ms, expires_at_ms)
       VALUES (?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET
         holder = excluded.holder,
         acquired_at_ms = CASE WHEN kernel_leases.holder = excluded.holder
           THEN kernel_leases.acquired_at_ms ELSE excluded.acquired_at_ms END,
         expires_at_ms = excluded.expires_at_ms
       WHERE kernel_leases.holder = excluded.holder OR kernel_leases.expires_at_ms <= ?
       RETURNING name, holder, acquired_at_ms, expires_at_ms`,
      [name, holder, now, now + ttlMs, now],
    )) as Row[];
    const won = rows[0];
    if (won !== undefined) return toRecord(won);
    const current = (await runSql(
      this.database,
      "SELECT name, holder, acquired_at_ms, expires_at_ms FROM kernel_leases WHERE name = ?",
      [name],
    )) as Row[];
    const row = current[0];
    // Deleted between the two statements (its holder released it): try again next round.
    return row === undefined
      ? { name, holder: "", acquiredAtMs: now, expiresAtMs: now }
      : toRecord(row);
  }

  async release(name: string, holder: string): Promise<void> {
    await runSql(this.database, "DELETE FROM kernel_leases WHERE name = ? AND holder = ?", [
      name,
      holder,
    ]);
  }

  async list(): Promise<LeaseRecord[]> {
    const rows = (await runSql(
      this.database,
      "SELECT name, holder, acquired_at_ms, expires_at_ms FROM kernel_leases ORDER BY name",
    )) as Row[];
    return rows.map(toRecord);
  }
}
