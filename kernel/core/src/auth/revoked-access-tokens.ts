/**
 * Where signed-out access tokens are remembered beyond the process: the kernel's
 * database (SQLite, or PostgreSQL with DATABASE_URL). Access tokens are stateless JWTs, so a token signed out just before
 * a restart would otherwise work again until it expires (15 minutes by default).
 *
 * Only a hash of the token's signature is kept (never a usable token), with the time
 * the token would have expired: after that the row is useless and is deleted.
 */
import { runSql } from "@roa2web/plugin-sdk";
import type { DataSource } from "typeorm";

export interface RevocationStore {
  /** The revocations still in force at `nowMs`, as [signature hash, expiry ms]. */
  load(nowMs: number): Promise<Array<[string, number]>>;
  /** Records one revocation and drops those that lapsed before `nowMs`. */
  add(signatureHash: string, expiresAtMs: number, nowMs: number): Promise<void>;
}

export class SqliteRevocationStore implements RevocationStore {
  constructor(private readonly dataSource: DataSource) {}

  async load(nowMs: number): Promise<Array<[string, number]>> {
    const rows: Array<{ signature_hash: string; expires_at_ms: number }> = await runSql(
      this.dataSource,
      "SELECT signature_hash, expires_at_ms FROM revoked_access_tokens WHERE expires_at_ms > ?",
      [nowMs],
    );
    return rows.map((row) => [row.signature_hash, Number(row.expires_at_ms)]);
  }

  async add(signatureHash: string, expiresAtMs: number, nowMs: number): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await runSql(manager, "DELETE FROM revoked_access_tokens WHERE expires_at_ms <= ?", [nowMs]);
      await runSql(
        manager,
        `INSERT INTO revoked_access_tokens (signature_hash, expires_at_ms) VALUES (?, ?)
         ON CONFLICT (signature_hash) DO UPDATE SET expires_at_ms = excluded.expires_at_ms`,
        [signatureHash, expiresAtMs],
      );
    });
  }
}
