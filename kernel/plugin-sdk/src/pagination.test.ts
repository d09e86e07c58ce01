import { describe, expect, it } from "vitest";
import { MAX_PAGE_SIZE, pageCount, pageWindow, toPage } from "./pagination.js";

describe("pageWindow", () => {
  it("skips the rows of the pages before", () => {
    expect(pageWindow({ page: 1, pageSize: 20 })).toEqual({ skip: 0, take: 20 });
    expect(pageWindow({ page: 3, pageSize: 2 })).toEqual({ skip: 4, take: 2 });
  });

  it.each([0, -1, 1.5, Number.NaN])("refuses page %s with a 400 naming the field", (page) => {
    expect(() => pageWindow({ page, pageSize: 10 })).toThrow(
      expect.objectContaining({
        code: "VALIDATION_FAILED",
        statusCode: 400,
        details: { field: "page" },
      }),
    );
  });

  it.each([0, MAX_PAGE_SIZE + 1, 2.5])("refuses page size %s", (pageSize) => {
    expect(() => pageWindow({ page: 1, pageSize })).toThrow(`from 1 to ${MAX_PAGE_SIZE}`);
  });
});

describe("pageCount", () => {
  it("counts a partly filled last page", () => {
    expect(pageCount(5, 2)).toBe(3);
    expect(pageCount(4, 2)).toBe(2);
    expect(pageCount(1, 100)).toBe(1);
  });

  it("has no pages when there is nothing", () => {
    expect(pageCount(0, 20)).toBe(0);
  });
});

describe("toPage", () => {
  it("answers the items with the request and the totals, in the API's field names", () => {
    expect(toPage(["a", "b"], 5, { page: 1, pageSize: 2 })).toEqual({
      items: ["a", "b"],
      total: 5,
      page: 1,
      page_size: 2,
      pages: 3,
    });
  });

  it("answers an empty page past the last one", () => {
    expect(toPage([], 5, { page: 9, pageSize: 2 })).toMatchObject({ items: [], pages: 3, page: 9 });
  });
});
