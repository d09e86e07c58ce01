// The demo ERP's BNR rates: banking days only, every currency every day, plausible and smooth.
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatDay, isWeekend, parseIsoDate } from "./calendar.js";
import { DEMO_CURRENCIES, isBankingDay, orthodoxEaster } from "./exchange-rates.js";
import { generateDemoErp } from "./generate.js";

const END_DATE = "2025-06-15";
let db: Database.Database;
let range: { startDate: string; endDate: string };

interface RateRow {
  rate_date: string;
  currency: string;
  rate: number;
  multiplier: number;
}

beforeAll(() => {
  db = new Database(":memory:");
  range = generateDemoErp(db, { endDate: END_DATE, companies: 1 });
});
afterAll(() => db?.close());

function rates(currency: string): RateRow[] {
  return db
    .prepare("SELECT * FROM exchange_rates WHERE currency = ? ORDER BY rate_date")
    .all(currency) as RateRow[];
}

describe("Romanian banking days", () => {
  it("knows Orthodox Easter, which moves every year", () => {
    expect(formatDay(orthodoxEaster(2024))).toBe("2024-05-05");
    expect(formatDay(orthodoxEaster(2025))).toBe("2025-04-20");
    expect(formatDay(orthodoxEaster(2026))).toBe("2026-04-12");
  });

  it("skips weekends and public holidays, fixed and moving", () => {
    for (const holiday of ["2025-01-01", "2025-01-24", "2025-04-18", "2025-04-21", "2025-06-09"]) {
      expect(isBankingDay(parseIsoDate(holiday)), holiday).toBe(false);
    }
    expect(isBankingDay(parseIsoDate("2025-06-14")), "a Saturday").toBe(false);
    expect(isBankingDay(parseIsoDate("2025-04-22"))).toBe(true);
    expect(isBankingDay(parseIsoDate("2025-06-13"))).toBe(true);
  });
});

describe("demo ERP exchange rates", () => {
  it("has one rate per currency for every banking day of the range, and none on other days", () => {
    const expected: string[] = [];
    for (let day = parseIsoDate(range.startDate); day <= parseIsoDate(END_DATE); day++) {
      if (isBankingDay(day)) expected.push(formatDay(day));
    }
    expect(expected.length).toBeGreaterThan(480);
    for (const { code } of DEMO_CURRENCIES) {
      expect(
        rates(code).map((row) => row.rate_date),
        code,
      ).toEqual(expected);
    }
    const weekend = db
      .prepare("SELECT rate_date FROM exchange_rates")
      .all()
      .filter((row) => isWeekend(parseIsoDate((row as RateRow).rate_date)));
    expect(weekend).toEqual([]);
  });

  it("quotes HUF per 100 and the others per unit, at plausible levels with four decimals", () => {
    const bands: Record<string, [number, number, number]> = {
      EUR: [1, 4.8, 5.2],
      USD: [1, 3.8, 5.4],
      GBP: [1, 5.0, 6.8],
      HUF: [100, 1.0, 1.55],
    };
    for (const [code, [multiplier, low, high]] of Object.entries(bands)) {
      for (const row of rates(code)) {
        expect(row.multiplier, code).toBe(multiplier);
        expect(row.rate, `${code} ${row.rate_date}`).toBeGreaterThan(low);
        expect(row.rate, `${code} ${row.rate_date}`).toBeLessThan(high);
        expect(Math.round(row.rate * 10_000) / 10_000).toBe(row.rate);
      }
    }
  });

  it("moves smoothly from one banking day to the next (EUR within 0.5 %, others 2 %)", () => {
    for (const { code } of DEMO_CURRENCIES) {
      const rows = rates(code);
      let moved = 0;
      for (let i = 1; i < rows.length; i++) {
        const change = Math.abs((rows[i] as RateRow).rate / (rows[i - 1] as RateRow).rate - 1);
        expect(change, `${code} ${(rows[i] as RateRow).rate_date}`).toBeLessThan(
          code === "EUR" ? 0.005 : 0.02,
        );
        if (change > 0) moved++;
      }
      // Not a flat line: the rate changes on most days.
      expect(moved / rows.length, code).toBeGreaterThan(0.8);
    }
  });

  it("has no rate before the first day of the range", () => {
    const first = db.prepare("SELECT MIN(rate_date) AS first FROM exchange_rates").get() as {
      first: string;
    };
    expect(first.first >= range.startDate).toBe(true);
  });
});
