import { describe, expect, it } from "vitest";
import { sqlDialect } from "./sql-dialect.js";

describe("sqlDialect", () => {
  it("binds dates as text on SQLite and converts them on Oracle", () => {
    expect(sqlDialect("sqlite").date("as_of")).toBe(":as_of");
    expect(sqlDialect("oracle").date("as_of")).toBe("TO_DATE(:as_of, 'YYYY-MM-DD')");
    expect(sqlDialect("oracle").dateText("i.due_date")).toBe("TO_CHAR(i.due_date, 'YYYY-MM-DD')");
    expect(sqlDialect("sqlite").monthText('"date"')).toBe('substr("date", 1, 7)');
  });

  it("pages with named binds on both", () => {
    expect(sqlDialect("sqlite").page).toBe("LIMIT :page_limit OFFSET :page_offset");
    expect(sqlDialect("oracle").page).toContain("FETCH NEXT :page_limit ROWS ONLY");
  });

  it("orders text byte by byte on both", () => {
    expect(sqlDialect("sqlite").byteOrder("account")).toBe("account");
    expect(sqlDialect("oracle").byteOrder("account")).toBe("NLSSORT(account, 'NLS_SORT=BINARY')");
  });
});
