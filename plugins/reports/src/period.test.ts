import { describe, expect, it } from "vitest";
import {
  addMonths,
  asOfDate,
  daysBetween,
  monthsEndingWith,
  monthsOf,
  parsePeriod,
  todayUtcClock,
} from "./period.js";

describe("parsePeriod", () => {
  it("turns a month into its first and last day", () => {
    expect(parsePeriod({ period: "2024-02" })).toEqual({
      from: "2024-02-01",
      to: "2024-02-29",
      until: "2024-03-01",
      label: "2024-02",
    });
    expect(parsePeriod({ period: "2025-12" }).until).toBe("2026-01-01");
  });

  it("takes a from/to range", () => {
    expect(parsePeriod({ from: "2025-01-15", to: "2025-03-10" })).toEqual({
      from: "2025-01-15",
      to: "2025-03-10",
      until: "2025-03-11",
      label: "2025-01-15..2025-03-10",
    });
  });

  it("refuses malformed or missing periods with the field's name", () => {
    expect(() => parsePeriod({ period: "2025-13" })).toThrow(/querystring.period must be a month/);
    expect(() => parsePeriod({ period: "2025-1" })).toThrow(/YYYY-MM/);
    expect(() => parsePeriod({})).toThrow(/period is required/);
    expect(() => parsePeriod({ from: "2025-01-01" })).toThrow(/period is required/);
    expect(() => parsePeriod({ from: "2025-02-30", to: "2025-03-01" })).toThrow(
      /querystring.from must be a date/,
    );
    expect(() => parsePeriod({ from: "2025-03-02", to: "2025-03-01" })).toThrow(
      /to must not be before from/,
    );
    expect(() => parsePeriod({ period: "2025-01", from: "2025-01-01", to: "2025-01-31" })).toThrow(
      /cannot be combined/,
    );
    expect(() => parsePeriod({ from: "2000-01-01", to: "2025-01-01" })).toThrow(/at most/);
  });
});

describe("dates", () => {
  it("measures overdue at the period end, or today if that is earlier", () => {
    const period = parsePeriod({ period: "2025-06" });
    expect(asOfDate(period, "2025-07-10")).toBe("2025-06-30");
    expect(asOfDate(period, "2025-06-12")).toBe("2025-06-12");
  });

  it("lists months", () => {
    expect(monthsOf("2024-11-15", "2025-02-01")).toEqual([
      "2024-11",
      "2024-12",
      "2025-01",
      "2025-02",
    ]);
    expect(monthsEndingWith("2025-03-31", 4)).toEqual(["2024-12", "2025-01", "2025-02", "2025-03"]);
    expect(addMonths("2025-01", -1)).toBe("2024-12");
    expect(daysBetween("2025-01-31", "2025-03-01")).toBe(29);
  });

  it("tells today's UTC date from a clock, following it across midnight either way", () => {
    let now = Date.parse("2025-12-31T23:59:59.999Z");
    const today = todayUtcClock(() => now);
    expect(today()).toBe("2025-12-31");
    now += 1;
    expect(today()).toBe("2026-01-01");
    now = Date.parse("2026-01-01T23:59:59.999Z");
    expect(today()).toBe("2026-01-01");
    now = Date.parse("2025-06-15T08:00:00Z");
    expect(today()).toBe("2025-06-15");
  });
});
