import { describe, expect, it } from "vitest";
import { ResolutionMemo } from "./resolution-memo.js";

const june = { company: 1, period: "2025-06" };
const TODAY = "2025-07-10";

describe("ResolutionMemo", () => {
  it("answers exactly the input, span and day it was given", () => {
    const memo = new ResolutionMemo<string>();
    memo.set(june, "period", "company 1, June", TODAY, 1_000);
    expect(memo.get({ company: 1, period: "2025-06" }, "period", TODAY, 500)).toBe(
      "company 1, June",
    );
    expect(memo.get({ company: 2, period: "2025-06" }, "period", TODAY, 500)).toBeUndefined();
    expect(memo.get({ company: 1, period: "2025-05" }, "period", TODAY, 500)).toBeUndefined();
    expect(memo.get(june, "series", TODAY, 500)).toBeUndefined();
    expect(memo.get(june, "period", "2025-07-11", 500)).toBeUndefined();
  });

  it("tells inputs apart that join to the same text", () => {
    const memo = new ResolutionMemo<string>();
    const range = { company: 1, period: undefined, from: "2025-06-01", to: "2025-06-30" };
    memo.set(range, "period", "June as a range", TODAY, 1_000);
    // `${undefined}` is "undefined": the memo must compare the inputs, not only the key.
    expect(memo.get({ ...range, period: "undefined" }, "period", TODAY, 500)).toBeUndefined();
    expect(memo.get({ ...june, from: "", to: "" }, "period", TODAY, 500)).toBeUndefined();
    expect(memo.get(range, "period", TODAY, 500)).toBe("June as a range");
  });

  it("expires after its time, like the cache entry it mirrors (alive while now <= expiry)", () => {
    const memo = new ResolutionMemo<string>();
    memo.set(june, "period", "June", TODAY, 60_000);
    expect(memo.get(june, "period", TODAY, 60_000)).toBe("June");
    expect(memo.get(june, "period", TODAY, 60_001)).toBeUndefined();
    expect(memo.size).toBe(0);
    // Gone for good, even if the clock steps back.
    expect(memo.get(june, "period", TODAY, 0)).toBeUndefined();
  });

  it("holds at most its capacity, dropping the oldest entry first", () => {
    const memo = new ResolutionMemo<number>(2);
    memo.set({ company: 1, period: "2025-01" }, "period", 1, TODAY, 1_000);
    memo.set({ company: 1, period: "2025-02" }, "period", 2, TODAY, 1_000);
    memo.set({ company: 1, period: "2025-03" }, "period", 3, TODAY, 1_000);
    expect(memo.size).toBe(2);
    expect(memo.get({ company: 1, period: "2025-01" }, "period", TODAY, 0)).toBeUndefined();
    expect(memo.get({ company: 1, period: "2025-02" }, "period", TODAY, 0)).toBe(2);
    expect(memo.get({ company: 1, period: "2025-03" }, "period", TODAY, 0)).toBe(3);
  });

  it("forgets everything on clear", () => {
    const memo = new ResolutionMemo<string>();
    memo.set(june, "period", "June", TODAY, 1_000);
    memo.clear();
    expect(memo.get(june, "period", TODAY, 0)).toBeUndefined();
  });

  it("keeps its own copy of the input", () => {
    const memo = new ResolutionMemo<string>();
    const input = { company: 1, period: "2025-06" };
    memo.set(input, "period", "June", TODAY, 1_000);
    input.period = "2025-07";
    expect(memo.get({ company: 1, period: "2025-06" }, "period", TODAY, 0)).toBe("June");
  });
});
