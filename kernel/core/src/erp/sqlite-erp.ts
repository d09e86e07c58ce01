/**
 * The ERP client over the embedded SQLite demo ERP (better-sqlite3). Queries are
 * synchronous and fast; streams run on their own read-only connection so a long
 * export never holds the shared one busy.
 */

import type { Binds, BindValue, ErpClient, HealthStatus, Row } from "@roa2web/plugin-sdk";
import Database from "better-sqlite3";
import { toErpError } from "./erp-errors.js";

const STREAM_YIELD_EVERY = 500;

export class SqliteErpClient implements ErpClient {
  readonly dialect = "sqlite" as const;
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly file: string) {
    this.db = new Database(file, { readonly: true, fileMustExist: true });
    this.db.pragma("query_only = ON");
  }

  private prepare(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      if (this.statements.size > 500) this.statements.clear();
      this.statements.set(sql, statement);
    }
    return statement;
  }

  async query<T extends Row = Row>(sql: string, binds: Binds = {}): Promise<T[]> {
    try {
      return this.prepare(sql).all(toSqliteBinds(binds)) as T[];
    } catch (error) {
      throw toErpError(error, sql);
    }
  }

  async queryOne<T extends Row = Row>(sql: string, binds: Binds = {}): Promise<T | undefined> {
    try {
      return this.prepare(sql).get(toSqliteBinds(binds)) as T | undefined;
    } catch (error) {
      throw toErpError(error, sql);
    }
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

  close(): void {
    this.statements.clear();
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
