import { describe, expect, it } from "vitest";
import { sortOrder } from "./sorting.js";

const columns = { due_date: "due_date", total: "total_amount" };

describe("sortOrder", () => {
  it("uses the whitelisted SQL with a tie-breaker", () => {
    expect(sortOrder(columns, "total", "desc", "id").sql).toBe("total_amount DESC, id DESC");
    expect(sortOrder(columns, "due_date", "asc", "id").sql).toBe("due_date ASC, id ASC");
  });

  it("refuses names outside the whitelist, inherited ones included", () => {
    expect(() => sortOrder(columns, "id; DROP TABLE x", "asc", "id")).toThrow(
      /querystring.sort must be one of due_date, total/,
    );
    expect(() => sortOrder(columns, "toString", "asc", "id")).toThrow(/sort/);
    expect(() => sortOrder(columns, "total", "up", "id")).toThrow(/direction must be asc or desc/);
  });
});
