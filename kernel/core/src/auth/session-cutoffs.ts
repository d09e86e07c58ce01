/**
 * Ends every session of a user at once: after a password change, a disable or a
 * revoke (`roa2web users passwd|disable|revoke`), access tokens issued before that
 * moment are refused, though they are stateless JWTs that would otherwise live until
 * they expire.
 *
 * The check runs on the hot path without a database read: the server keeps, per user,
 * "tokens issued before T are refused" (T = forever for a disabled user) in memory. The
 * table is small (one row per user whose sessions ever ended) and is re-read every
 * `AUTH_SESSION_RECHECK_MS` (5 s): the `users` command is another process writing the
 * same database, so a running server learns of its changes within that time, and a
 * restarted one at once. When the table changed, the token cache and every connection's
 * memo are dropped, so no token verified before is answered from them again.
 */
import { isPostgres, runSql } from "@roa2web/plugin-sdk";
import { type DataSource, IsNull } from "typeorm";
import { RefreshTokenEntity } from "../database/kernel-entities.js";

export class SessionCutoffs {
  /** User id → tokens issued at or before this time (ms) are refused; Infinity when disabled. */
  private cutoffs: ReadonlyMap<number, number> = new Map();

  constructor(private readonly dataSource: DataSource) {}

  /** Whether a token issued at `issuedAtMs` for `userId` has been ended. */
  refuses(userId: number, issuedAtMs: number): boolean {
    if (this.cutoffs.size === 0) return false;
    const cutoff = this.cutoffs.get(userId);
    return cutoff !== undefined && issuedAtMs <= cutoff;
  }

  /** Re-reads the cutoffs and disabled users; true when anything changed. */
  async reload(): Promise<boolean> {
    const rows: Array<{ id: number; disabled: number | boolean; not_before_ms: number | null }> =
      await this.dataSource.query(
        `SELECT users.id, users.disabled, cutoffs.not_before_ms
           FROM users LEFT JOIN user_session_cutoffs cutoffs ON cutoffs.user_id = users.id
          WHERE users.disabled = TRUE OR cutoffs.not_before_ms IS NOT NULL`,
      );
    const next = new Map<number, number>();
    for (const row of rows) {
      next.set(
        Number(row.id),
        row.disabled === 1 || row.disabled === true ? Infinity : Number(row.not_before_ms),
      );
    }
    const changed =
      next.size !== this.cutoffs.size ||
      [...next].some(([userId, cutoff]) => this.cutoffs.get(userId) !== cutoff);
    this.cutoffs = next;
    return changed;
  }
}

/**
 * Ends every session of a user now (the `users` command; any process on the database):
 * revokes all their refresh-token families and refuses access tokens issued until now.
 */
export async function endSessions(dataSource: DataSource, userId: number): Promise<void> {
  const now = Date.now();
  await dataSource.transaction(async (manager) => {
    await manager
      .getRepository(RefreshTokenEntity)
      .update({ userId, revokedAt: IsNull() }, { revokedAt: new Date(now) });
    // SQLite's two-argument MAX is PostgreSQL's GREATEST.
    const later = isPostgres(manager) ? "GREATEST" : "MAX";
    await runSql(
      manager,
      `INSERT INTO user_session_cutoffs (user_id, not_before_ms) VALUES (?, ?)
       ON CONFLICT (user_id) DO UPDATE SET not_before_ms = ${later}(user_session_cutoffs.not_before_ms, excluded.not_before_ms)`,
      [userId, now],
    );
  });
}
