// Finds purchase dates: dd.mm.yyyy, dd.mm.yy, dd/mm/yyyy, dd-mm-yyyy and yyyy-mm-dd,
// with O→0 style repairs, and keeps only plausible ones (from 2000 up to today).

export interface DateMatch {
  /** YYYY-MM-DD */
  iso: string;
  index: number;
  /** The line number the date was found on. */
  line: number;
  /** True when the year had only two digits. */
  shortYear: boolean;
}

const D = "[0-9OoDIl]";
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
const YEAR_FIRST = new RegExp(
  `(?<![\\p{N}])(${D}{4})([-./])(${D}{2})\\2(${D}{2})(?![\\p{N}])`,
  "gu",
);

function digits(text: string): number {
  return Number(text.replace(/[OoD]/g, "0").replace(/[Il]/g, "1"));
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
  });
  return found;
}
