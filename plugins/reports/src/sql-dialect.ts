/**
 * The SQL fragments that differ between the SQLite demo ERP (dates as TEXT
 * `YYYY-MM-DD`) and Oracle (the same names as views with DATE columns). Built once per
 * dialect; every value still travels as a named bind. Columns whose names are reserved
 * words in Oracle (`date`, `number`) are written quoted in lower case, which SQLite
 * accepts too and which the Oracle views must expose (see docs/plugins/reports.md).
 */
import type { ErpDialect } from "@roa2web/plugin-sdk";

export interface SqlDialect {
  readonly name: ErpDialect;
  /** A date bind, compared with a date column: `:as_of` or `TO_DATE(:as_of, 'YYYY-MM-DD')`. */
  date(bindName: string): string;
  /** A date column read back as `YYYY-MM-DD` text on both dialects. */
  dateText(column: string): string;
  /** A date column's month as `YYYY-MM`. */
  monthText(column: string): string;
  /** The paging clause after ORDER BY; binds `page_offset` and `page_limit`. */
  readonly page: string;
  /** An ORDER BY term comparing text byte by byte, as JavaScript's default sort does. */
  byteOrder(column: string): string;
}

const sqlite: SqlDialect = {
  name: "sqlite",
  date: (bindName) => `:${bindName}`,
  dateText: (column) => column,
  monthText: (column) => `substr(${column}, 1, 7)`,
  page: "LIMIT :page_limit OFFSET :page_offset",
  // SQLite's default collation (BINARY) already compares bytes.
  byteOrder: (column) => column,
};

const oracle: SqlDialect = {
  name: "oracle",
  date: (bindName) => `TO_DATE(:${bindName}, 'YYYY-MM-DD')`,
  dateText: (column) => `TO_CHAR(${column}, 'YYYY-MM-DD')`,
  monthText: (column) => `TO_CHAR(${column}, 'YYYY-MM')`,
  page: "OFFSET :page_offset ROWS FETCH NEXT :page_limit ROWS ONLY",
  // Oracle sorts by the session's NLS_SORT, which may be linguistic.
  byteOrder: (column) => `NLSSORT(${column}, 'NLS_SORT=BINARY')`,
};

export function sqlDialect(dialect: ErpDialect): SqlDialect {
  return dialect === "oracle" ? oracle : sqlite;
}
