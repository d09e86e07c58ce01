/**
 * Reporting periods: `period=YYYY-MM` or `from`/`to` dates become one date range,
 * plus the months it covers and the "as of" date for point-in-time figures.
 */
import { InvalidParameterError } from "./errors.js";

export interface PeriodInput {
  period?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export interface ReportPeriod {
  /** First day, `YYYY-MM-DD`. */
  from: string;
  /** Last day, `YYYY-MM-DD`. */
  to: string;
  /** The day after `to`: SQL compares with `date < until`, which also works on Oracle DATEs with a time. */
  until: string;
  /** `YYYY-MM` when the request named a month, otherwise `from..to`. */
  label: string;
}

const MONTH_PATTERN = /^(\d{4})-(\d{2})$/;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
/** Ten years: beyond that a report is a mistake, and a slow one. */
const MAX_RANGE_DAYS = 3660;

export function parsePeriod(input: PeriodInput): ReportPeriod {
  if (input.period !== undefined) {
    if (input.from !== undefined || input.to !== undefined) {
      throw new InvalidParameterError("period", "cannot be combined with from/to");
    }
    const match = MONTH_PATTERN.exec(input.period);
    const month = Number(match?.[2]);
    if (!match || month < 1 || month > 12) {
      throw new InvalidParameterError("period", `must be a month YYYY-MM (got "${input.period}")`);
    }
    const from = `${input.period}-01`;
    const to = lastDayOfMonth(input.period);
    return { from, to, until: addDays(to, 1), label: input.period };
  }
  if (input.from === undefined || input.to === undefined) {
    throw new InvalidParameterError("period", "is required: give period=YYYY-MM, or from and to");
  }
  const from = checkDate("from", input.from);
  const to = checkDate("to", input.to);
  if (from > to) throw new InvalidParameterError("to", `must not be before from (${from})`);
  if (daysBetween(from, to) > MAX_RANGE_DAYS) {
    throw new InvalidParameterError("to", `must be at most ${MAX_RANGE_DAYS} days after from`);
  }
  return { from, to, until: addDays(to, 1), label: `${from}..${to}` };
}

/** The date overdue and aging are measured at: the period's end, or today if that is earlier. */
export function asOfDate(period: ReportPeriod, today: string): string {
  return period.to < today ? period.to : today;
}

/** Today in UTC, `YYYY-MM-DD` (the demo ERP's days are UTC days). */
export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

const DAY_MS = 86_400_000;

/**
 * `todayUtc` for the hot path: one `Date` and `toISOString` per UTC day instead of per
 * request. `now` is read on every call, so a clock that jumps (or a test's fake
 * clock) is followed in both directions.
 */
export function todayUtcClock(now: () => number = () => Date.now()): () => string {
  let dayStart = Number.NaN;
  let today = "";
  return () => {
    const at = now();
    if (!(at >= dayStart && at < dayStart + DAY_MS)) {
      dayStart = Math.floor(at / DAY_MS) * DAY_MS;
      today = todayUtc(new Date(dayStart));
    }
    return today;
  };
}

/** The months a range touches, oldest first: `["2025-05", "2025-06"]`. */
export function monthsOf(from: string, to: string): string[] {
  const months: string[] = [];
  let month = from.slice(0, 7);
  const last = to.slice(0, 7);
  while (month <= last) {
    months.push(month);
    month = addMonths(month, 1);
  }
  return months;
}

/** The `count` months ending with the month of `date`, oldest first. */
export function monthsEndingWith(date: string, count: number): string[] {
  const last = date.slice(0, 7);
  return Array.from({ length: count }, (_, index) => addMonths(last, index - count + 1));
}

export function addMonths(month: string, delta: number): string {
  const [year, monthNumber] = month.split("-").map(Number) as [number, number];
  const index = year * 12 + (monthNumber - 1) + delta;
  return `${String(Math.floor(index / 12)).padStart(4, "0")}-${String((index % 12) + 1).padStart(2, "0")}`;
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export function lastDayOfMonth(month: string): string {
  return addDays(`${addMonths(month, 1)}-01`, -1);
}

/** A `YYYY-MM-DD` string naming a real day, or a 400 naming the field. */
export function checkDate(field: string, value: string): string {
  const match = DATE_PATTERN.exec(value);
  if (match) {
    const parsed = new Date(`${value}T00:00:00Z`);
    if (!Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value) {
      return value;
    }
  }
  throw new InvalidParameterError(field, `must be a date YYYY-MM-DD (got "${value}")`);
}
