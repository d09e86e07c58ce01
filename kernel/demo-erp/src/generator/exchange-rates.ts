// BNR reference rates for the demo ERP: one row per currency and banking day, moving smoothly
// from plausible starting levels, so foreign-currency receipts can be booked in lei.
import { type Day, type DayFormatter, isWeekend, splitDay } from "./calendar.js";
import { Random } from "./random.js";
import type { DemoErpWriter } from "./writer.js";

export interface DemoCurrency {
  code: string;
  /** Units the rate is quoted for: BNR quotes HUF per 100 forints, the others per unit. */
  multiplier: number;
  /** RON for `multiplier` units at the start of the range. */
  start: number;
  /** Standard deviation of the daily relative move (EUR is held in a narrow band by BNR). */
  volatility: number;
}

export const DEMO_CURRENCIES: readonly DemoCurrency[] = [
  { code: "EUR", multiplier: 1, start: 4.9735, volatility: 0.0006 },
  { code: "USD", multiplier: 1, start: 4.5712, volatility: 0.004 },
  { code: "GBP", multiplier: 1, start: 5.8123, volatility: 0.003 },
  { code: "HUF", multiplier: 100, start: 1.2654, volatility: 0.004 },
];

/** Orthodox Easter Sunday (Meeus' Julian algorithm, shifted to the Gregorian calendar). */
export function orthodoxEaster(year: number): Day {
  const a = year % 4;
  const b = year % 7;
  const c = year % 19;
  const d = (19 * c + 15) % 30;
  const e = (2 * a + 4 * b - d + 34) % 7;
  const month = Math.floor((d + e + 114) / 31);
  const day = ((d + e + 114) % 31) + 1;
  // Julian to Gregorian: 13 days from 1900 to 2099.
  return Date.UTC(year, month - 1, day) / 86_400_000 + 13;
}

const FIXED_HOLIDAYS = [
  "01-01",
  "01-02",
  "01-06",
  "01-07",
  "01-24",
  "05-01",
  "06-01",
  "08-15",
  "11-30",
  "12-01",
  "12-25",
  "12-26",
];

/** Romanian public holidays (Labour Code art. 139): BNR publishes no rates on them. */
export function isRomanianHoliday(day: Day): boolean {
  const { year, month, day: dom } = splitDay(day);
  const monthDay = `${String(month).padStart(2, "0")}-${String(dom).padStart(2, "0")}`;
  if (FIXED_HOLIDAYS.includes(monthDay)) return true;
  const easter = orthodoxEaster(year);
  // Good Friday, Easter Sunday and Monday, Whit Sunday and Monday.
  return [easter - 2, easter, easter + 1, easter + 49, easter + 50].includes(day);
}

export function isBankingDay(day: Day): boolean {
  return !isWeekend(day) && !isRomanianHoliday(day);
}

/** Rounded as BNR publishes: four decimals. */
function fourDecimals(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

/**
 * Writes `exchange_rates` for every banking day from `start` to `end`: a random walk per
 * currency (its own seeded stream) pulled gently back towards its starting level, so two
 * years stay within a plausible band.
 */
export function writeExchangeRates(
  writer: DemoErpWriter,
  days: DayFormatter,
  range: { start: Day; end: Day; seed: number },
): void {
  for (const currency of DEMO_CURRENCIES) {
    const random = Random.derive(range.seed, "exchange-rates", currency.code);
    let level = currency.start;
    for (let day = range.start; day <= range.end; day++) {
      if (!isBankingDay(day)) continue;
      // Sum of three uniforms: a bell-shaped step without tails that would look like a crash.
      const shock = (random.next() + random.next() + random.next() - 1.5) * 2;
      const pull = 0.01 * Math.log(currency.start / level);
      level *= Math.exp(pull + currency.volatility * shock);
      writer.insert("exchange_rates", [
        days.format(day),
        currency.code,
        fourDecimals(level),
        currency.multiplier,
      ]);
    }
  }
}
