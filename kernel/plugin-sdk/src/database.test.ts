import { describe, expect, it } from "vitest";
import { bigintNumber } from "./database.js";

describe("bigintNumber", () => {
  it("reads PostgreSQL's bigint strings and SQLite's numbers as the same number", () => {
    expect(bigintNumber.from("1767225600000")).toBe(1_767_225_600_000);
    expect(bigintNumber.from(1_767_225_600_000)).toBe(1_767_225_600_000);
    expect(bigintNumber.from(null)).toBeNull();
    expect(bigintNumber.to(5)).toBe(5);
  });

  it("refuses a bigint a number cannot hold exactly instead of rounding it", () => {
    expect(() => bigintNumber.from("9007199254740993")).toThrow(/not a safe integer/);
  });
});
