/**
 * The read side of the books. The same SQL runs on the embedded SQLite ERP and on
 * Oracle: named bind variables (`:company`) only, never values built into the text.
 */
export type ErpDialect = "sqlite" | "oracle";

export type BindValue = string | number | bigint | boolean | null | Date;
export type Binds = Readonly<Record<string, BindValue>>;
export type Row = Record<string, unknown>;

export interface ErpQueryOptions {
  /** Give up after this many milliseconds (Oracle: call timeout). */
  timeoutMs?: number;
}

export interface ErpClient {
  readonly dialect: ErpDialect;
  /**
   * Runs a query and returns every row. Column names come back in lower case on both
   * dialects, so `SELECT SUM(x) AS total` is read as `row.total`.
   */
  query<T extends Row = Row>(sql: string, binds?: Binds, options?: ErpQueryOptions): Promise<T[]>;
  /** The first row, or undefined. */
  queryOne<T extends Row = Row>(
    sql: string,
    binds?: Binds,
    options?: ErpQueryOptions,
  ): Promise<T | undefined>;
  /** Streams rows one at a time, for exports that must not hold everything in memory. */
  stream<T extends Row = Row>(
    sql: string,
    binds?: Binds,
    options?: ErpQueryOptions,
  ): AsyncIterable<T>;
}
