/**
 * Turns a value as SQLite stores it into what a PostgreSQL column of a given type takes,
 * for `roa2web db copy-to-postgres` (ADR 0037). The target column's type comes from
 * PostgreSQL's information_schema (what the plugin's own PostgreSQL migration made), so
 * a plugin the kernel never heard of is copied by the same rules:
 *
 * - booleans: SQLite keeps 0/1; moments: text without a zone (TypeORM's Date and
 *   `datetime('now')` both write UTC), ISO text, or epoch numbers;
 * - integers read as BigInt (no rounding past 2^53) go over as decimal text;
 * - JSON is text on both sides, bytea takes the BLOB's bytes.
 *
 * A value that cannot mean the target's type (text in an integer column, a fraction in
 * a bigint) is refused with the reason, never guessed.
 */

/** A target column as information_schema describes it. */
export interface TargetColumn {
  name: string;
  /** `data_type`: "integer", "boolean", "timestamp with time zone", "USER-DEFINED" … */
  dataType: string;
}

/** What better-sqlite3 hands back with safe integers on. */
export type SqliteValue = string | number | bigint | Buffer | null;

export class UnconvertibleValueError extends Error {
  constructor(column: TargetColumn, value: SqliteValue, why: string) {
    super(
      `column "${column.name}" (${column.dataType}) cannot take the SQLite ${describe(value)}: ${why}`,
    );
    this.name = "UnconvertibleValueError";
  }
}

/** Names the kind of value, never the value itself (it may be a password hash). */
function describe(value: SqliteValue): string {
  if (Buffer.isBuffer(value)) return `blob of ${value.length} bytes`;
  if (typeof value === "bigint") return "integer";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "real number";
  return `text of ${String(value).length} characters`;
}

const INTEGER_TYPES = new Set(["smallint", "integer", "bigint"]);
const DECIMAL_TYPES = new Set(["numeric", "real", "double precision", "money"]);
const WITHOUT_ZONE = /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/;
/** Epoch numbers at or above this are milliseconds (1973 in ms, year 5138 in seconds). */
const MILLISECONDS_FROM = 100_000_000_000;

function epochToDate(value: number | bigint, column: TargetColumn, raw: SqliteValue): Date {
  const number = Number(value);
  const date = new Date(Math.abs(number) >= MILLISECONDS_FROM ? number : number * 1000);
  if (Number.isNaN(date.getTime()))
    throw new UnconvertibleValueError(column, raw, "not a moment in time");
  return date;
}

function toMoment(value: SqliteValue, column: TargetColumn, withZone: boolean): string {
  if (typeof value === "number" || typeof value === "bigint") {
    const iso = epochToDate(value, column, value).toISOString();
    return withZone ? iso : iso.slice(0, -1);
  }
  if (typeof value !== "string") throw new UnconvertibleValueError(column, value, "not a moment");
  const text = value.trim();
  // A moment SQLite wrote without a zone is UTC: say so, or PostgreSQL reads it in the
  // session's time zone. Anything else (a zone given, 'infinity') PostgreSQL parses.
  if (withZone && WITHOUT_ZONE.test(text))
    return text.length === 10 ? `${text} 00:00:00+00` : `${text}+00`;
  return text;
}

function toBoolean(value: SqliteValue, column: TargetColumn): boolean {
  if (typeof value === "number" || typeof value === "bigint") {
    if (Number(value) === 0) return false;
    if (Number(value) === 1) return true;
  }
  if (typeof value === "string") {
    const text = value.trim().toLowerCase();
    if (["1", "true", "t", "yes", "y", "on"].includes(text)) return true;
    if (["0", "false", "f", "no", "n", "off"].includes(text)) return false;
  }
  throw new UnconvertibleValueError(column, value, "not 0/1 or true/false");
}

function toInteger(value: SqliteValue, column: TargetColumn): string | number {
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") {
    if (Number.isInteger(value)) return value;
    throw new UnconvertibleValueError(column, value, "it has a fraction");
  }
  if (typeof value === "string" && /^\s*[-+]?\d+\s*$/.test(value)) return value.trim();
  throw new UnconvertibleValueError(column, value, "not a whole number");
}

/** The value to bind for this column (pg serialises strings, numbers, booleans, Buffers). */
export function toPostgresValue(
  value: SqliteValue,
  column: TargetColumn,
): string | number | boolean | Buffer | null {
  if (value === null) return null;
  const type = column.dataType;
  if (type === "boolean") return toBoolean(value, column);
  if (INTEGER_TYPES.has(type)) return toInteger(value, column);
  if (type === "timestamp with time zone") return toMoment(value, column, true);
  if (type === "timestamp without time zone") return toMoment(value, column, false);
  if (type === "date" && typeof value !== "string")
    return toMoment(value, column, false).slice(0, 10);
  if (type === "bytea") return Buffer.isBuffer(value) ? value : Buffer.from(String(value), "utf8");
  if (Buffer.isBuffer(value)) {
    // JSON or text kept as a BLOB: only valid UTF-8 passes.
    const text = new TextDecoder("utf-8", { fatal: false }).decode(value);
    if (Buffer.from(text, "utf8").equals(value)) return text;
    throw new UnconvertibleValueError(column, value, "the bytes are not UTF-8 text");
  }
  if (DECIMAL_TYPES.has(type))
    return typeof value === "bigint" ? value.toString() : (value as number | string);
  // text, varchar, json, jsonb, uuid, enums and the rest: PostgreSQL parses the text.
  return typeof value === "string" ? value : value.toString();
}
