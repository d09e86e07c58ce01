/**
 * Column helpers for entities that run on both databases the kernel may open a plugin's
 * on: SQLite (the default) and PostgreSQL (DATABASE_URL, ADR 0028). See "Your database
 * on SQLite and PostgreSQL" in docs/plugin-authoring.md; `isPostgres` and `portableSql`
 * (sql.ts) are for the SQL itself.
 */

/**
 * A column transformer for a `bigint` column the code reads as a number (epoch
 * milliseconds, Telegram ids): PostgreSQL's driver may hand `bigint` back as a string
 * (it can exceed 2^53), SQLite's as a number. A value past Number.MAX_SAFE_INTEGER is
 * refused rather than rounded.
 */
export const bigintNumber = {
  to: (value: number | null | undefined) => value,
  from: (value: unknown): number | null => {
    if (value === null || value === undefined) return null;
    const number = Number(value);
    if (!Number.isSafeInteger(number)) {
      throw new RangeError(`bigint ${String(value)} is not a safe integer`);
    }
    return number;
  },
};
