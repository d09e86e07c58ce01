/**
 * One message catalogue for the shell and every plugin UI. Romanian is the default;
 * the choice is kept in localStorage. Plugins add their own keys (prefixed with the
 * plugin's name) with `registerMessages`; a missing Romanian text falls back to the
 * English one, then to the key, so a gap shows up instead of an empty label.
 */
export type Locale = "ro" | "en";
export const LOCALES: readonly Locale[] = ["ro", "en"];

type Catalogue = Record<string, string>;

const catalogues: Record<Locale, Catalogue> = { ro: {}, en: {} };
const STORAGE_KEY = "roa2web:locale";

function initialLocale(): Locale {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (stored === "ro" || stored === "en") return stored;
  } catch {
    // storage blocked: default
  }
  return "ro";
}

let current: Locale = initialLocale();
const listeners = new Set<(locale: Locale) => void>();

export function registerMessages(messages: Partial<Record<Locale, Catalogue>>): void {
  for (const locale of LOCALES) Object.assign(catalogues[locale], messages[locale] ?? {});
}

export function locale(): Locale {
  return current;
}

/** The BCP 47 tag for Intl formatting. */
export function localeTag(language: Locale = current): string {
  return language === "ro" ? "ro-RO" : "en-GB";
}

export function setLocale(next: Locale): void {
  if (next === current) return;
  current = next;
  if (typeof document !== "undefined") document.documentElement.lang = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // not remembered: fine
  }
  for (const listener of listeners) listener(next);
}

export function onLocaleChange(listener: (locale: Locale) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const pluralRules = new Map<Locale, Intl.PluralRules>();
const countFormats = new Map<Locale, Intl.NumberFormat>();

/**
 * The plural category of `count` in `language` (the current one by default): the
 * suffix `t` tries for a message with a count. Romanian has three: `one` (1 chitanță),
 * `few` (0, 2–19 and 101–119…: 5 chitanțe) and `other` (20 and up, with "de": 25 de
 * chitanțe); English has `one` and `other`.
 */
export function pluralCategory(count: number, language: Locale = current): Intl.LDMLPluralRule {
  let rules = pluralRules.get(language);
  if (!rules) {
    rules = new Intl.PluralRules(localeTag(language));
    pluralRules.set(language, rules);
  }
  return rules.select(count);
}

/** A count as people write it in `language`: 1.250 in Romanian, 1,250 in English. */
function formatCount(count: number, language: Locale): string {
  let format = countFormats.get(language);
  if (!format) {
    format = new Intl.NumberFormat(localeTag(language), {
      maximumFractionDigits: 2,
    });
    countFormats.set(language, format);
  }
  return format.format(count);
}

/**
 * The text for `key` in the current language, with `{name}` placeholders filled.
 * With a numeric `count` parameter, `key.one` / `key.few` / `key.other` (the
 * language's plural categories, see `pluralCategory`) are tried first, then `key`
 * itself; `{count}` is written with the language's digit grouping:
 * "1 chitanță", "3 chitanțe", "1.250 de chitanțe".
 */
export function t(key: string, params?: Record<string, string | number>): string {
  const count = params?.count;
  if (typeof count !== "number") return fill(lookup(current, key) ?? key, params);
  const counted = { ...params, count: formatCount(count, current) };
  const own = lookupCounted(current, key, count);
  if (own !== undefined) return fill(own, counted);
  // English fallback: its own plural category, and its own way of writing the number.
  const english = lookupCounted("en", key, count);
  return english === undefined
    ? fill(key, params)
    : fill(english, { ...params, count: formatCount(count, "en") });
}

function lookup(language: Locale, key: string): string | undefined {
  return catalogues[language][key] ?? (language === "en" ? undefined : catalogues.en[key]);
}

function lookupCounted(language: Locale, key: string, count: number): string | undefined {
  const catalogue = catalogues[language];
  return (
    catalogue[`${key}.${pluralCategory(count, language)}`] ??
    catalogue[`${key}.other`] ??
    catalogue[key]
  );
}

/**
 * The registered text for `key` in `language` exactly (no fallback to English or to
 * the key), or undefined: lets the shell ask whether a plugin translated something.
 */
export function lookupMessage(
  language: Locale,
  key: string,
  params?: Record<string, string | number>,
): string | undefined {
  const template = catalogues[language][key];
  return template === undefined ? undefined : fill(template, params);
}

/** `{name}` placeholders replaced by `params[name]`; unknown ones left as they are. */
export function fill(template: string, params?: Record<string, string | number>): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}
