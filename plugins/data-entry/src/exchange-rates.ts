/**
 * Which BNR rate books a foreign-currency receipt, and the lei it comes to. The rate is
 * the one BNR published for the receipt's date or, when it published none that day
 * (weekend, public holiday), for the last banking day before it: the rate in force on
 * the day, as Romanian accounting applies it (OMFP 1802/2014, 3.2.3). Plain functions;
 * `ExchangeRates` reads the ERP's `exchange_rates` read model with the same SQL on the
 * demo ERP and on Oracle (deploy/oracle/exchange_rates.sql).
 */
import type { ErpClient } from "@roa2web/plugin-sdk";
import { fromCents } from "./money.js";

/**
 * How far back a missing day may borrow a rate. The longest BNR pause is Christmas to
 * the new year (at most five days); a longer gap means the ERP's table stops there,
 * and guessing from an old rate would book the wrong amount.
 */
export const RATE_LOOKBACK_DAYS = 7;

export interface ExchangeRate {
  currency: string;
  /** The day BNR published it (YYYY-MM-DD): the receipt's date or a banking day before it. */
  date: string;
  /** Lei for `multiplier` units, as BNR quotes it (HUF per 100). */
  rate: number;
  multiplier: number;
}

/** A row as the ERP returns it (a type, not an interface: ErpClient rows are records). */
export type RateRow = {
  rate_date: unknown;
  rate: unknown;
  multiplier: unknown;
};

export const RATE_SQL =
  "SELECT rate_date, rate, multiplier FROM exchange_rates" +
  " WHERE currency = :currency AND rate_date <= :day AND rate_date >= :earliest" +
  " ORDER BY rate_date DESC";

export function daysBefore(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - days);
  return date.toISOString().slice(0, 10);
}

/** The rate in force on `day` among rows published up to it; null when none is near enough. */
export function rateInForce(
  currency: string,
  day: string,
  rows: readonly RateRow[],
): ExchangeRate | null {
  const earliest = daysBefore(day, RATE_LOOKBACK_DAYS);
  let best: ExchangeRate | null = null;
  for (const row of rows) {
    const date = String(row.rate_date);
    const rate = Number(row.rate);
    const multiplier = Number(row.multiplier ?? 1);
    if (date > day || date < earliest || !(rate > 0) || !(multiplier > 0)) continue;
    if (best === null || date > best.date) best = { currency, date, rate, multiplier };
  }
  return best;
}

/** An amount in the receipt's currency in lei at `rate`, to the ban (half away from zero). */
export function toLei(amount: number, rate: Pick<ExchangeRate, "rate" | "multiplier">): number {
  // Through integers: 15.69 × 4.9735 must not round on a float's last digit.
  const cents = Math.round(amount * 100);
  const rateTenThousandths = Math.round(rate.rate * 10_000);
  const scaled = cents * rateTenThousandths;
  return fromCents(Math.round(scaled / (10_000 * rate.multiplier)));
}

export class ExchangeRates {
  constructor(private readonly erp: ErpClient) {}

  /** The rate that books a receipt of `day` in `currency`, or null when the ERP has none. */
  async inForce(currency: string, day: string): Promise<ExchangeRate | null> {
    const rows = await this.erp.query<RateRow>(RATE_SQL, {
      currency,
      day,
      earliest: daysBefore(day, RATE_LOOKBACK_DAYS),
    });
    return rateInForce(currency, day, rows);
  }
}
