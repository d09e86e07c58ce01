import { describe, expect, it } from "vitest";
import {
  clampPage,
  decodePage,
  encodePage,
  MAX_CALLBACK_BYTES,
  PAGE_LABEL_DATA,
  type PageRef,
  pagerRow,
  slicePage,
} from "./paging.js";

describe("page callback data", () => {
  it("round-trips and stays under Telegram's 64 bytes even for the largest ids", () => {
    const ref: PageRef = { kind: "invoices", company: 12, page: 3, owner: 123456789 };
    expect(decodePage(encodePage(ref))).toEqual(ref);
    const largest: PageRef = {
      kind: "treasury",
      company: 2_147_483_647,
      page: 999_999,
      owner: Number.MAX_SAFE_INTEGER,
    };
    const data = encodePage(largest);
    expect(Buffer.byteLength(data)).toBeLessThanOrEqual(MAX_CALLBACK_BYTES);
    expect(decodePage(data)).toEqual(largest);
  });

  it("does not take data that is not a page of ours", () => {
    for (const data of [
      "company:2",
      PAGE_LABEL_DATA,
      "pg:x:1:1:1",
      "pg:i:1:0:1",
      "pg:i:1:1",
      "pg:i:1:1:1:1",
      "pg:i:-1:1:1",
      "",
    ]) {
      expect(decodePage(data), data).toBeUndefined();
    }
  });
});

describe("pagerRow", () => {
  const ref: PageRef = { kind: "companies", company: 0, page: 1, owner: 7 };

  it("has no row for one page, and arrows only where there is a page to go to", () => {
    expect(pagerRow(ref, 1)).toEqual([]);
    expect(pagerRow(ref, 3).map((button) => button.text)).toEqual(["1 / 3", "▶"]);
    expect(pagerRow({ ...ref, page: 2 }, 3).map((button) => button.text)).toEqual([
      "◀",
      "2 / 3",
      "▶",
    ]);
    const last = pagerRow({ ...ref, page: 3 }, 3);
    expect(last.map((button) => button.text)).toEqual(["◀", "3 / 3"]);
    expect(decodePage(last[0]?.callback_data ?? "")).toEqual({ ...ref, page: 2 });
  });
});

describe("slicePage and clampPage", () => {
  it("cuts a list into pages and shows the last page when asked for one past it", () => {
    const items = [1, 2, 3, 4, 5];
    expect(slicePage(items, 1, 2)).toEqual({ items: [1, 2], page: 1, pages: 3 });
    expect(slicePage(items, 3, 2)).toEqual({ items: [5], page: 3, pages: 3 });
    expect(slicePage(items, 9, 2)).toEqual({ items: [5], page: 3, pages: 3 });
    expect(slicePage([], 1, 2)).toEqual({ items: [], page: 1, pages: 1 });
    expect(clampPage(0, 4)).toBe(1);
    expect(clampPage(5, 0)).toBe(1);
  });
});
