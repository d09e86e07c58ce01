import { describe, expect, it } from "vitest";
import { toPostgresValue, UnconvertibleValueError } from "./column-values.js";

const column = (dataType: string) => ({ name: "c", dataType });

describe("toPostgresValue: SQLite's values in the target column's PostgreSQL type", () => {
  it("turns SQLite's 0/1 into booleans and refuses anything else", () => {
    expect(toPostgresValue(1n, column("boolean"))).toBe(true);
    expect(toPostgresValue(0, column("boolean"))).toBe(false);
    expect(toPostgresValue("false", column("boolean"))).toBe(false);
    expect(() => toPostgresValue(2n, column("boolean"))).toThrow(UnconvertibleValueError);
  });

  it("reads a moment written without a zone as UTC, whatever the server's time zone", () => {
    // TypeORM's Date on SQLite and datetime('now') both write UTC without a zone.
    expect(toPostgresValue("2026-12-07 05:30:42.123", column("timestamp with time zone"))).toBe(
      "2026-12-07 05:30:42.123+00",
    );
    expect(toPostgresValue("2026-12-07", column("timestamp with time zone"))).toBe(
      "2026-12-07 00:00:00+00",
    );
    expect(toPostgresValue("2026-12-07T05:30:42.123Z", column("timestamp with time zone"))).toBe(
      "2026-12-07T05:30:42.123Z",
    );
    expect(toPostgresValue("2026-12-07 05:30:42", column("timestamp without time zone"))).toBe(
      "2026-12-07 05:30:42",
    );
  });

  it("reads epoch numbers as milliseconds or seconds by their size", () => {
    const ms = Date.UTC(2026, 11, 7, 5, 30);
    expect(toPostgresValue(BigInt(ms), column("timestamp with time zone"))).toBe(
      "2026-12-07T05:30:00.000Z",
    );
    expect(toPostgresValue(ms / 1000, column("timestamp with time zone"))).toBe(
      "2026-12-07T05:30:00.000Z",
    );
    expect(toPostgresValue(BigInt(ms), column("date"))).toBe("2026-12-07");
  });

  it("keeps integers past 2^53 exact and refuses fractions and words in integer columns", () => {
    expect(toPostgresValue(9_007_199_254_740_993n, column("bigint"))).toBe("9007199254740993");
    expect(toPostgresValue(-1_001_987_654_321n, column("bigint"))).toBe("-1001987654321");
    expect(toPostgresValue(12, column("integer"))).toBe(12);
    expect(() => toPostgresValue(1.5, column("integer"))).toThrow(/has a fraction/);
    expect(() => toPostgresValue("twelve", column("integer"))).toThrow(/not a whole number/);
  });

  it("passes decimals, text and JSON as they are, bytes to bytea, and never prints a value", () => {
    expect(toPostgresValue(121.5, column("numeric"))).toBe(121.5);
    expect(toPostgresValue(7n, column("text"))).toBe("7");
    expect(toPostgresValue('{"a":1}', column("jsonb"))).toBe('{"a":1}');
    expect(toPostgresValue(Buffer.from("{}"), column("json"))).toBe("{}");
    const bytes = Buffer.from([0xff, 0x00, 0x10]);
    expect(toPostgresValue(bytes, column("bytea"))).toBe(bytes);
    expect(toPostgresValue(null, column("boolean"))).toBeNull();
    let message = "";
    try {
      toPostgresValue("argon2id$secret-hash", column("integer"));
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('column "c" (integer)');
    expect(message).not.toContain("secret-hash");
    expect(() => toPostgresValue(bytes, column("text"))).toThrow(/not UTF-8/);
  });
});
