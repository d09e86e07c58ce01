import { describe, expect, it } from "vitest";
import { pageFromQuery, pageInRange, pageToQuery } from "./view-rules.js";

describe("pageFromQuery", () => {
  it.each([
    ["", 1],
    ["page=3", 3],
    ["page=1", 1],
    ["page=0", 1],
    ["page=-2", 1],
    ["page=2.5", 1],
    ["page=abc", 1],
    ["page=99999999999999999999", 1],
  ])("reads %j as page %i", (query, page) => {
    expect(pageFromQuery(new URLSearchParams(query))).toBe(page);
  });

  it("round-trips through pageToQuery, leaving the first page out of the address", () => {
    expect(pageToQuery(1)).toEqual({});
    expect(pageToQuery(4)).toEqual({ page: 4 });
    const query = new URLSearchParams({ page: String(pageToQuery(4).page) });
    expect(pageFromQuery(query)).toBe(4);
  });
});

describe("pageInRange", () => {
  it("moves to the last page when the one asked for is past the end", () => {
    expect(pageInRange({ page: 3, pages: 2, total: 40 })).toBe(2);
  });

  it("keeps a page that exists, and the first page of an empty list", () => {
    expect(pageInRange({ page: 2, pages: 2, total: 40 })).toBeUndefined();
    expect(pageInRange({ page: 1, pages: 0, total: 0 })).toBeUndefined();
  });
});
