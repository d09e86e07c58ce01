/** Number, money and date formatting in the current language. */
import { localeTag } from "./i18n.js";

const cache = new Map<string, Intl.NumberFormat>();

function numberFormat(options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${localeTag()}|${JSON.stringify(options)}`;
  let format = cache.get(key);
  if (!format) {
    format = new Intl.NumberFormat(localeTag(), options);
    cache.set(key, format);
  }
  return format;
}

/** `1234.5` → `1.234,50` (ro) or `1,234.50` (en); with a currency code when given. */
export function formatMoney(value: number | null | undefined, currency?: string): string {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  const text = numberFormat({ minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value);
  return currency ? `${text} ${currency}` : text;
}

export function formatNumber(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  return numberFormat({ minimumFractionDigits: digits, maximumFractionDigits: digits }).format(
    value,
  );
}

export function formatPercent(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  return numberFormat({ style: "percent", maximumFractionDigits: 1 }).format(value);
}

/** An ISO date (`YYYY-MM-DD` or a timestamp) in the user's language. */
export function formatDate(value: string | null | undefined): string {
  if (!value) return "—";
  const date = value.length === 10 ? new Date(`${value}T00:00:00`) : new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return date.toLocaleDateString(localeTag(), {
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  });
}

export function formatDateTime(value: string | null | undefined): string {
  if (!value) return "—";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return date.toLocaleString(localeTag(), { dateStyle: "short", timeStyle: "short" });
}

/** `2026-03` → `martie 2026` / `March 2026`. */
export function formatPeriod(period: string | null | undefined): string {
  if (!period) return "—";
  const [year, month] = period.split("-").map(Number);
  if (!year || !month) return period;
  return new Date(year, month - 1, 1).toLocaleDateString(localeTag(), {
    year: "numeric",
    month: "long",
  });
}
