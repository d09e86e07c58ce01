// Finds purchase dates: dd.mm.yyyy, dd.mm.yy, dd/mm/yyyy, dd-mm-yyyy and yyyy-mm-dd,
// with O→0 style repairs, and keeps only plausible ones (from 2000 up to today).
// Also: a two-digit-year date with damaged separators when a time stamp follows it
// ("15:,04,20 16:15"), and day-month fragments ("AS-Zeit 21.04.") that only confirm.

export interface DateMatch {
  /** YYYY-MM-DD */
  iso: string;
  index: number;
  /** The line number the date was found on. */
  line: number;
  /** True when the year had only two digits. */
  shortYear: boolean;
}

// Letters OCR confuses with digits: O/o/D/C → 0, I/l → 1.
const D = "[0-9OoDCIl]";
// Four-digit years tolerate mixed or spaced separators ("15,04.2020", "04, 04. 2020");
// two-digit years need one consistent separator, or amounts would read as dates.
const DAY_FIRST = new RegExp(
  `(?<![\\p{N}])(${D}{1,2})\\s?[./,-]\\s?(${D}{1,2})\\s?[./,-]\\s?(${D}{4})(?![\\p{N}])`,
  "gu",
);
const DAY_FIRST_SHORT = new RegExp(
  `(?<![\\p{N}.,])(${D}{1,2})([./-])(${D}{1,2})\\2(${D}{2})(?![\\p{N}]|[.,]\\d)`,
  "gu",
);
// The till's date and time stamp ("15.04.20 16:15"): with the time as evidence, the
// separators may be damaged ("15:,04,20", "15 .04.20").
const SHORT_BEFORE_TIME = new RegExp(
  `(?<![\\p{N}.,])(${D}{1,2})\\s?[./,:-]{1,2}\\s?(${D}{2})\\s?[./,:-]{1,2}\\s?(${D}{2})\\s+(?:[0-2]?\\d)[:.][0-5]\\d(?!\\d)`,
  "gu",
);
// A day and month alone, closed by a separator ("AS-Zeit 21,04."): not a date by
// itself (an amount looks the same without the closing dot), only a confirmation.
const DAY_MONTH = /(?<![\p{N}.,])([0-3]?\d)\s?[.,/]\s?([01]\d)[.,/](?!\d)/gu;
const YEAR_FIRST = new RegExp(
  `(?<![\\p{N}])(${D}{4})([-./])(${D}{2})\\2(${D}{2})(?![\\p{N}])`,
  "gu",
);

function digits(text: string): number {
  return Number(text.replace(/[OoDC]/g, "0").replace(/[Il]/g, "1"));
}

function valid(year: number, month: number, day: number, today: Date): string | null {
  if (!Number.isInteger(year) || month < 1 || month > 12 || day < 1 || day > 31) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1) return null; // 31.02.
  if (year < 2000) return null;
  // A day of slack for time zones: the receipt is read where it was printed.
  if (date.getTime() > today.getTime() + 86_400_000) return null;
  return date.toISOString().slice(0, 10);
}

export function findDates(lines: readonly string[], today = new Date()): DateMatch[] {
  const found: DateMatch[] = [];
  lines.forEach((text, line) => {
    for (const match of text.matchAll(YEAR_FIRST)) {
      const [, year = "", , month = "", day = ""] = match;
      const iso = valid(digits(year), digits(month), digits(day), today);
      if (iso) found.push({ iso, index: match.index ?? 0, line, shortYear: false });
    }
    for (const match of text.matchAll(DAY_FIRST)) {
      const [, day = "", month = "", year = ""] = match;
      const iso = valid(digits(year), digits(month), digits(day), today);
      if (iso) found.push({ iso, index: match.index ?? 0, line, shortYear: false });
    }
    for (const match of text.matchAll(DAY_FIRST_SHORT)) {
      const [, day = "", , month = "", year = ""] = match;
      const iso = valid(2000 + digits(year), digits(month), digits(day), today);
      if (iso) found.push({ iso, index: match.index ?? 0, line, shortYear: true });
    }
    for (const match of text.matchAll(SHORT_BEFORE_TIME)) {
      const [, day = "", month = "", year = ""] = match;
      const iso = valid(2000 + digits(year), digits(month), digits(day), today);
      const index = match.index ?? 0;
      const known = found.some((other) => other.line === line && other.iso === iso);
      if (iso && !known) found.push({ iso, index, line, shortYear: true });
    }
  });
  return found;
}

/** The lines that mention this day and month, as a full date or as a "dd.mm." fragment. */
export function linesMentioning(
  lines: readonly string[],
  dates: readonly DateMatch[],
  iso: string,
): Set<number> {
  const month = Number(iso.slice(5, 7));
  const day = Number(iso.slice(8, 10));
  const mentions = new Set(dates.filter((date) => date.iso === iso).map((date) => date.line));
  lines.forEach((text, line) => {
    for (const match of text.matchAll(DAY_MONTH)) {
      if (Number(match[1]) === day && Number(match[2]) === month) mentions.add(line);
    }
  });
  return mentions;
}
