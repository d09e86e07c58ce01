import { describe, expect, it } from "vitest";
import { ageOutstanding, agingBucket, daysOverdue } from "./aging.js";

describe("agingBucket", () => {
  it("puts each day count in its bucket, edges included", () => {
    expect(agingBucket(-10)).toBe("not_due");
    expect(agingBucket(0)).toBe("not_due");
    expect(agingBucket(1)).toBe("1_30");
    expect(agingBucket(30)).toBe("1_30");
    expect(agingBucket(31)).toBe("31_60");
    expect(agingBucket(60)).toBe("31_60");
    expect(agingBucket(61)).toBe("61_90");
    expect(agingBucket(90)).toBe("61_90");
    expect(agingBucket(91)).toBe("over_90");
    expect(agingBucket(5000)).toBe("over_90");
  });

  it("counts days past due from the due date to the as-of date", () => {
    expect(daysOverdue("2025-06-30", "2025-06-30")).toBe(0);
    expect(daysOverdue("2025-05-31", "2025-06-30")).toBe(30);
    expect(daysOverdue("2025-07-15", "2025-06-30")).toBe(-15);
  });
});

describe("ageOutstanding", () => {
  it("adds buckets up to the total exactly, in bani", () => {
    const aging = ageOutstanding(
      [
        { due_date: "2025-07-01", invoices: 2, outstanding: 0.1 },
        { due_date: "2025-06-20", invoices: 1, outstanding: 0.2 },
        { due_date: "2025-06-19", invoices: 1, outstanding: 100.35 },
        { due_date: "2025-01-01", invoices: 3, outstanding: 999.99 },
      ],
      "2025-06-30",
    );
    expect(aging.total).toBe(1100.64);
    expect(aging.overdue).toBe(1100.54);
    expect(aging.invoices).toBe(7);
    expect(aging.buckets.map((bucket) => [bucket.key, bucket.amount, bucket.invoices])).toEqual([
      ["not_due", 0.1, 2],
      ["1_30", 100.55, 2],
      ["31_60", 0, 0],
      ["61_90", 0, 0],
      ["over_90", 999.99, 3],
    ]);
  });

  it("answers zeros when nothing is open", () => {
    const aging = ageOutstanding([], "2025-06-30");
    expect(aging.total).toBe(0);
    expect(aging.buckets).toHaveLength(5);
  });
});
