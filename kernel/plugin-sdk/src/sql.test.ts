import { describe, expect, it } from "vitest";
import { isPostgres, portableSql, toNumberedPlaceholders } from "./sql.js";

describe("toNumberedPlaceholders", () => {
  it("numbers every placeholder in order", () => {
    expect(
      toNumberedPlaceholders(
        "INSERT INTO t (a, b) VALUES (?, ?) ON CONFLICT (a) DO UPDATE SET b = ?",
      ),
    ).toBe("INSERT INTO t (a, b) VALUES ($1, $2) ON CONFLICT (a) DO UPDATE SET b = $3");
  });

  it("leaves a ? inside strings, quoted names, comments and dollar quotes alone", () => {
    expect(
      toNumberedPlaceholders(
        `SELECT 'why?', 'it''s ?', "odd?name" FROM t -- who?\nWHERE a = ? /* and ? */ AND b = $tag$?$tag$ AND c = ?`,
      ),
    ).toBe(
      `SELECT 'why?', 'it''s ?', "odd?name" FROM t -- who?\nWHERE a = $1 /* and ? */ AND b = $tag$?$tag$ AND c = $2`,
    );
  });

  it("keeps numbered placeholders already written", () => {
    expect(toNumberedPlaceholders("SELECT $1::int")).toBe("SELECT $1::int");
  });
});

describe("portableSql", () => {
  it("converts only for PostgreSQL data sources, managers and query runners", () => {
    const postgres = { options: { type: "postgres" } };
    const sqlite = { options: { type: "better-sqlite3" } };
    expect(isPostgres(postgres)).toBe(true);
    expect(isPostgres({ connection: postgres })).toBe(true);
    expect(isPostgres(sqlite)).toBe(false);
    expect(portableSql({ connection: postgres }, "a = ?")).toBe("a = $1");
    expect(portableSql(sqlite, "a = ?")).toBe("a = ?");
  });
});
