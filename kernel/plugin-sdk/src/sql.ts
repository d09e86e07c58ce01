/**
 * SQL that runs on both databases a plugin's (or the kernel's) data source may be:
 * SQLite (the default) and PostgreSQL (`DATABASE_URL`, ADR 0028). Write `?`
 * placeholders as for SQLite and pass the text through `portableSql` (or run it with
 * `runSql`): on PostgreSQL they become `$1`, `$2`, … . Where the two dialects really
 * differ (a function name, a column type in a migration), branch on `isPostgres`.
 */

/** A TypeORM DataSource, EntityManager or QueryRunner (anything that runs SQL). */
export interface SqlRunner {
  // biome-ignore lint/suspicious/noExplicitAny: rows are whatever the statement selects
  query(sql: string, parameters?: unknown[]): Promise<any>;
}

interface DriverTyped {
  options?: { type?: string };
  connection?: { options?: { type?: string } };
}

/** Whether this data source, entity manager or query runner talks to PostgreSQL. */
export function isPostgres(runner: object): boolean {
  const typed = runner as DriverTyped;
  return (typed.connection?.options?.type ?? typed.options?.type) === "postgres";
}

/**
 * Turns `?` placeholders into `$1…$n`, leaving alone any `?` inside a quoted string,
 * a quoted name, a comment or a dollar-quoted body. PostgreSQL's own `?` operators
 * (jsonb) cannot be written this way: spell them as functions (`jsonb_exists`).
 */
export function toNumberedPlaceholders(sql: string): string {
  let out = "";
  let next = 1;
  let index = 0;
  while (index < sql.length) {
    const char = sql[index] as string;
    const pair = sql.slice(index, index + 2);
    let end = -1;
    if (char === "'" || char === '"') {
      // A doubled quote inside is an escaped quote: the search continues past it.
      end = index + 1;
      for (;;) {
        end = sql.indexOf(char, end);
        if (end === -1 || sql[end + 1] !== char) break;
        end += 2;
      }
      end = end === -1 ? sql.length : end + 1;
    } else if (pair === "--") {
      end = sql.indexOf("\n", index);
      end = end === -1 ? sql.length : end;
    } else if (pair === "/*") {
      end = sql.indexOf("*/", index + 2);
      end = end === -1 ? sql.length : end + 2;
    } else if (char === "$") {
      const tag = /^\$[A-Za-z_]*\$/.exec(sql.slice(index))?.[0];
      if (tag !== undefined) {
        end = sql.indexOf(tag, index + tag.length);
        end = end === -1 ? sql.length : end + tag.length;
      }
    } else if (char === "?") {
      out += `$${next++}`;
      index += 1;
      continue;
    }
    if (end === -1) {
      out += char;
      index += 1;
    } else {
      out += sql.slice(index, end);
      index = end;
    }
  }
  return out;
}

/** The statement as `runner`'s database takes it: `?` placeholders numbered on PostgreSQL. */
export function portableSql(runner: object, sql: string): string {
  return isPostgres(runner) ? toNumberedPlaceholders(sql) : sql;
}

/** Runs a statement written with `?` placeholders on either database. */
// biome-ignore lint/suspicious/noExplicitAny: rows are whatever the statement selects
export function runSql<Row = any>(
  runner: SqlRunner,
  sql: string,
  parameters?: unknown[],
): Promise<Row[]> {
  return runner.query(portableSql(runner, sql), parameters);
}
