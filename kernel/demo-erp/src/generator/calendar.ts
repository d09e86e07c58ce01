// Calendar arithmetic on whole UTC days, so dates never drift with the machine's time zone.

/** Days since 1970-01-01 (UTC). */
export type Day = number;

const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function dayOf(year: number, month: number, dayOfMonth: number): Day {
  return Date.UTC(year, month - 1, dayOfMonth) / MS_PER_DAY;
}

/** Parses YYYY-MM-DD and rejects impossible dates such as 2024-02-30. */
export function parseIsoDate(text: string): Day {
  const match = ISO_DATE.exec(text);
  if (!match) throw new RangeError(`Not a YYYY-MM-DD date: "${text}"`);
  const [year, month, dom] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const day = dayOf(year, month, dom);
  if (formatDay(day) !== text) throw new RangeError(`Not a calendar date: "${text}"`);
  return day;
}

export function formatDay(day: Day): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

export interface YearMonthDay {
  year: number;
  month: number;
  day: number;
}

export function splitDay(day: Day): YearMonthDay {
  const date = new Date(day * MS_PER_DAY);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The calendar month `offset` months after (or before, if negative) year/month. */
export function addMonths(
  year: number,
  month: number,
  offset: number,
): { year: number; month: number } {
  const index = year * 12 + (month - 1) + offset;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

export function isWeekend(day: Day): boolean {
  // 1970-01-01 was a Thursday: (day + 4) % 7 gives 0 = Sunday … 6 = Saturday.
  const weekday = (day + 4) % 7;
  return weekday === 0 || weekday === 6;
}

/** The same day if it is Monday–Friday, otherwise the following Monday. */
export function onOrAfterWeekday(day: Day): Day {
  let result = day;
  while (isWeekend(result)) result++;
  return result;
}

/** Formats days through a cache: the generator formats the same few hundred days a million times. */
export class DayFormatter {
  private readonly cache = new Map<Day, string>();

  format(day: Day): string {
    let text = this.cache.get(day);
    if (text === undefined) {
      text = formatDay(day);
      this.cache.set(day, text);
    }
    return text;
  }
}
