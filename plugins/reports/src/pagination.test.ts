import { describe, expect, it } from "vitest";
import { DEFAULT_PAGE_SIZE, pageInfo, pageRequest, pageWindow } from "./pagination.js";

describe("pagination", () => {
  it("defaults to the first page", () => {
    expect(pageRequest(undefined, undefined)).toEqual({ page: 1, pageSize: DEFAULT_PAGE_SIZE });
  });

  it("maps a page to an offset and a limit", () => {
    expect(pageWindow({ page: 3, pageSize: 20 })).toEqual({ offset: 40, limit: 20 });
  });

  it("counts pages", () => {
    expect(pageInfo(41, { page: 1, pageSize: 20 })).toEqual({
      total: 41,
      page: 1,
      page_size: 20,
      pages: 3,
    });
    expect(pageInfo(0, { page: 1, pageSize: 20 }).pages).toBe(0);
  });

  it("refuses pages below 1 and sizes out of range", () => {
    expect(() => pageRequest(0, 10)).toThrow(/querystring.page must be/);
    expect(() => pageRequest(-2, 10)).toThrow(/querystring.page must be/);
    expect(() => pageRequest(1, 0)).toThrow(/querystring.page_size must be/);
    expect(() => pageRequest(1, 10_000)).toThrow(/page_size/);
  });
});
