/**
 * Where signed-out access tokens are remembered beyond the process: the kernel's
 * SQLite database. Access tokens are stateless JWTs, so a token signed out just before
 * a restart would otherwise work again until it expires (15 minutes by default).
 *
 * Only a hash of the token's signature is kept (never a usable token), with the time
 * the token would have expired: after that the row is useless and is deleted.
 */
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
    const rows: Array<{ signature_hash: string; expires_at_ms: number }> =
      await this.dataSource.query(
        "SELECT signature_hash, expires_at_ms FROM revoked_access_tokens WHERE expires_at_ms > ?",
        [nowMs],
      );
    return rows.map((row) => [row.signature_hash, Number(row.expires_at_ms)]);
  }

  async add(signatureHash: string, expiresAtMs: number, nowMs: number): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query("DELETE FROM revoked_access_tokens WHERE expires_at_ms <= ?", [nowMs]);
      await manager.query(
        "INSERT OR REPLACE INTO revoked_access_tokens (signature_hash, expires_at_ms) VALUES (?, ?)",
        [signatureHash, expiresAtMs],
      );
    });
  }
}
