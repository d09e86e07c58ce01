/**
 * Each kernel rewrites its own row of `kernel_peers` every few seconds, so `/health` on
 * any kernel can name the kernels sharing its database: id, host, pid, version, when it
 * started and was last seen, and whether it reaches Redis. A kernel not seen for
 * `forgetMs` (killed, cut off) is forgotten — its row deleted by the next beat of any
 * kernel; one that stops gracefully deletes its row itself. Times are the database's
 * clock, so kernels on machines whose clocks differ agree. The beat is a committed
 * write: it is the kernel database's probe too, and the database watch runs it
 * (database-watch.ts `start`).
 */
import { isPostgres, runSql } from "@roa2web/plugin-sdk";
import type { DataSource } from "typeorm";

export interface PeerIdentity {
  /** `host:pid:boot`, as lease rows name this kernel (kernel-leases.ts). */
  id: string;
  host: string;
  pid: number;
  version: string;
  startedAt: Date;
}

export interface Peer {
  id: string;
  host: string;
  pid: number;
  version: string;
  started_at: string;
  last_seen: string;
  /** How long ago, by the database's clock. */
  seen_ms_ago: number;
  this_kernel: boolean;
  /** What that kernel last said of Redis: `up`, `down`, or null without REDIS_URL. */
  redis: string | null;
}

interface Row {
  kernel_id: string;
  host: string;
  pid: number;
  version: string;
  started_at_ms: number;
  seen_at_ms: number;
  redis: string | null;
  now_ms: number;
}

/** The database's clock in milliseconds since the epoch, as SQL of each engine. */
function databaseNow(dataSource: DataSource): string {
  return isPostgres(dataSource)
    ? "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)"
    : "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";
}

export class PeerHeartbeat {
  #beating: Promise<void> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly self: PeerIdentity,
    private readonly options: {
      /** Forget a kernel not seen for this long. */
      forgetMs: number;
      /** `up`/`down` for Redis as this kernel sees it; undefined without Redis. */
      redis?: () => "up" | "down";
    },
  ) {}

  /** Writes this kernel's row now (and deletes the rows of kernels gone quiet). */
  beat(): Promise<void> {
    this.#beating ??= this.#write().finally(() => {
      this.#beating = undefined;
    });
    return this.#beating;
  }

  async #write(): Promise<void> {
    const now = databaseNow(this.dataSource);
    const { id, host, pid, version, startedAt } = this.self;
    // One transaction, so a beat is all or nothing; both statements are small.
    await this.dataSource.transaction(async (manager) => {
      await runSql(manager, `DELETE FROM kernel_peers WHERE seen_at_ms < ${now} - ?`, [
        this.options.forgetMs,
      ]);
      await runSql(
        manager,
        `INSERT INTO kernel_peers (kernel_id, host, pid, version, started_at_ms, seen_at_ms, redis)
         VALUES (?, ?, ?, ?, ?, ${now}, ?)
         ON CONFLICT (kernel_id) DO UPDATE SET
           seen_at_ms = excluded.seen_at_ms, version = excluded.version, redis = excluded.redis`,
        [id, host, pid, version, startedAt.getTime(), this.options.redis?.() ?? null],
      );
    });
  }

  /** Removes this kernel's row (once it beats no more): a kernel that stopped is no peer. */
  async stop(): Promise<void> {
    await this.#beating?.catch(() => undefined);
    await runSql(this.dataSource, "DELETE FROM kernel_peers WHERE kernel_id = ?", [
      this.self.id,
    ]).catch(() => undefined);
  }

  /** The kernels seen within `forgetMs`, this one first, then by id. */
  async peers(): Promise<Peer[]> {
    const now = databaseNow(this.dataSource);
    const rows = (await runSql(
      this.dataSource,
      `SELECT kernel_id, host, pid, version, started_at_ms, seen_at_ms, redis, ${now} AS now_ms
         FROM kernel_peers WHERE seen_at_ms >= ${now} - ? ORDER BY kernel_id`,
      [this.options.forgetMs],
    )) as Row[];
    const here = Date.now();
    const peers = rows.map((row): Peer => {
      const ago = Math.max(0, Number(row.now_ms) - Number(row.seen_at_ms));
      return {
        id: String(row.kernel_id),
        host: String(row.host),
        pid: Number(row.pid),
        version: String(row.version),
        started_at: new Date(Number(row.started_at_ms)).toISOString(),
        // On this kernel's clock: "ago" is the database's, so skew does not show.
        last_seen: new Date(here - ago).toISOString(),
        seen_ms_ago: ago,
        this_kernel: row.kernel_id === this.self.id,
        redis: row.redis === null ? null : String(row.redis),
      };
    });
    return [
      ...peers.filter((peer) => peer.this_kernel),
      ...peers.filter((peer) => !peer.this_kernel),
    ];
  }
}
