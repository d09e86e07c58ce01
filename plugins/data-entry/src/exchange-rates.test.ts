import { describe, expect, it } from "vitest";
import { RATE_LOOKBACK_DAYS, rateInForce, toLei } from "./exchange-rates.js";

// Orthodox Easter 2026 is 12 April: BNR publishes nothing from Good Friday (10 April) to
// Easter Monday (13 April).
const rows = [
  { rate_date: "2026-04-08", rate: 5.0911, multiplier: 1 },
  { rate_date: "2026-04-09", rate: 5.0923, multiplier: 1 },
  { rate_date: "2026-04-14", rate: 5.0957, multiplier: 1 },
];

describe("the rate in force on a day", () => {
  it("is the day's own rate on a banking day", () => {
    expect(rateInForce("EUR", "2026-04-14", rows)).toEqual({
      currency: "EUR",
      date: "2026-04-14",
      rate: 5.0957,
      multiplier: 1,
    });
  });

  it("is the last banking day's over a weekend and public holidays", () => {
    // Good Friday, Saturday, Easter Sunday, Easter Monday: Thursday's rate.
    for (const day of ["2026-04-10", "2026-04-11", "2026-04-12", "2026-04-13"]) {
      expect(rateInForce("EUR", day, rows)?.date, day).toBe("2026-04-09");
    }
  });

  it("is none before the first rate, or when the last one is more than a week old", () => {
    expect(rateInForce("EUR", "2026-04-07", rows)).toBeNull();
    expect(RATE_LOOKBACK_DAYS).toBe(7);
    expect(rateInForce("EUR", "2026-04-21", rows)?.date).toBe("2026-04-14");
    expect(rateInForce("EUR", "2026-04-22", rows)).toBeNull();
    expect(rateInForce("GBP", "2026-04-14", [])).toBeNull();
  });
});

describe("converting to lei", () => {
  it("rounds to the ban and divides by the multiplier", () => {
    expect(toLei(15.69, { rate: 4.9735, multiplier: 1 })).toBe(78.03);
    expect(toLei(0.62, { rate: 4.9735, multiplier: 1 })).toBe(3.08);
    expect(toLei(12_990, { rate: 1.2654, multiplier: 100 })).toBe(164.38);
    // 1.01 × 0.995 = 1.00495 → 1.00; computed in integers, no float residue decides.
    expect(toLei(1.01, { rate: 0.995, multiplier: 1 })).toBe(1);
    expect(toLei(10.05, { rate: 1, multiplier: 1 })).toBe(10.05);
  });
});
