/**
 * The ERP client over the embedded SQLite demo ERP (better-sqlite3). better-sqlite3
 * is synchronous: a report over a million ledger lines would hold the event loop for a
 * second, so queries run in a small pool of worker threads, each with its own
 * read-only connection. Streams run on their own connection and yield to the event
 * loop between batches.
 */
import { Worker } from "node:worker_threads";
import type { Binds, BindValue, ErpClient, HealthStatus, Row } from "@roa2web/plugin-sdk";
import Database from "better-sqlite3";
import { toErpError } from "./erp-errors.js";

const STREAM_YIELD_EVERY = 500;

interface Pending {
  resolve(rows: Row[]): void;
  reject(error: Error): void;
  sql: string;
}

class QueryWorker {
  readonly worker: Worker;
  readonly pending = new Map<number, Pending>();

  constructor(file: string, onExit: (worker: QueryWorker, code: number) => void) {
    this.worker = new Worker(new URL("./sqlite-erp-worker.js", import.meta.url), {
      workerData: { file },
    });
    this.worker.unref();
    this.worker.on(
      "message",
      (message: { id: number; rows?: Row[]; error?: { message: string; code?: string } }) => {
        const pending = this.pending.get(message.id);
        if (!pending) return;
        this.pending.delete(message.id);
        if (message.error) {
          pending.reject(
            toErpError(
              Object.assign(new Error(message.error.message), { code: message.error.code }),
              pending.sql,
            ),
          );
        } else {
          pending.resolve(message.rows ?? []);
        }
      },
    );
    this.worker.on("error", (error) => this.failAll(error));
    this.worker.on("exit", (code) => {
      this.failAll(new Error(`ERP query worker exited with code ${code}`));
      onExit(this, code);
    });
  }

  private failAll(error: Error): void {
    for (const pending of this.pending.values()) pending.reject(toErpError(error, pending.sql));
    this.pending.clear();
  }
}

export class SqliteErpClient implements ErpClient {
  readonly dialect = "sqlite" as const;
  private readonly db: Database.Database;
  private workers: QueryWorker[] = [];
  private nextId = 0;
  private closed = false;

  constructor(
    private readonly file: string,
    workerCount = 2,
  ) {
    // A main-thread connection for the cheap health check (and to fail fast on a bad file).
    this.db = new Database(file, { readonly: true, fileMustExist: true });
    this.db.pragma("query_only = ON");
    for (let index = 0; index < workerCount; index++) this.workers.push(this.spawn());
  }

  private spawn(): QueryWorker {
    return new QueryWorker(this.file, (dead) => {
      this.workers = this.workers.filter((worker) => worker !== dead);
      // A worker that died (not closed by us) is replaced, so the pool keeps its size.
      if (!this.closed) this.workers.push(this.spawn());
    });
  }

  /** Sends to the least busy worker. */
  private run(sql: string, binds: Binds, one: boolean): Promise<Row[]> {
    const worker = this.workers.reduce<QueryWorker | undefined>(
      (best, candidate) => (!best || candidate.pending.size < best.pending.size ? candidate : best),
      undefined,
    );
    if (!worker || this.closed)
      return Promise.reject(
        toErpError(Object.assign(new Error("closed"), { code: "SQLITE_CANTOPEN" })),
      );
    const id = this.nextId++;
    return new Promise<Row[]>((resolve, reject) => {
      worker.pending.set(id, { resolve, reject, sql });
      worker.worker.postMessage({ id, sql, binds: toSqliteBinds(binds), one });
    });
  }

  async query<T extends Row = Row>(sql: string, binds: Binds = {}): Promise<T[]> {
    return (await this.run(sql, binds, false)) as T[];
  }

  async queryOne<T extends Row = Row>(sql: string, binds: Binds = {}): Promise<T | undefined> {
    return (await this.run(sql, binds, true))[0] as T | undefined;
  }

  async *stream<T extends Row = Row>(sql: string, binds: Binds = {}): AsyncIterable<T> {
    const connection = new Database(this.file, { readonly: true, fileMustExist: true });
    try {
      let statement: Database.Statement;
      try {
        statement = connection.prepare(sql);
      } catch (error) {
        throw toErpError(error, sql);
      }
      let count = 0;
      for (const row of statement.iterate(toSqliteBinds(binds))) {
        yield row as T;
        // Give other requests a turn during long exports.
        if (++count % STREAM_YIELD_EVERY === 0)
          await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      connection.close();
    }
  }

  health(): HealthStatus {
    const row = this.db.prepare("SELECT COUNT(*) AS companies FROM companies").get() as {
      companies: number;
    };
    return {
      status: "up",
      detail: "embedded demo ERP (SQLite)",
      data: { companies: row.companies },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    const workers = this.workers;
    this.workers = [];
    await Promise.all(workers.map((worker) => worker.worker.terminate()));
    this.db.close();
  }
}

function toSqliteBinds(binds: Binds): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(binds)) out[key] = toSqliteValue(value);
  return out;
}

function toSqliteValue(value: BindValue): unknown {
  if (typeof value === "boolean") return value ? 1 : 0;
  // The demo ERP stores dates as TEXT YYYY-MM-DD.
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return value;
}
