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
export function localeTag(): string {
  return current === "ro" ? "ro-RO" : "en-GB";
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

/** The plural category of `count` in the current language (`one`, `few`, `other`). */
function pluralOf(count: number): string {
  let rules = pluralRules.get(current);
  if (!rules) {
    rules = new Intl.PluralRules(current);
    pluralRules.set(current, rules);
  }
  return rules.select(count);
}

/**
 * The text for `key` in the current language, with `{name}` placeholders filled.
 * With a numeric `count` parameter, `key.one` / `key.few` / `key.other` (the
 * language's plural categories) are tried first: "1 înregistrare", "3 înregistrări".
 */
export function t(key: string, params?: Record<string, string | number>): string {
  const count = params?.count;
  const plural = typeof count === "number" ? `${key}.${pluralOf(count)}` : undefined;
  const template =
    (plural && (catalogues[current][plural] ?? catalogues[current][`${key}.other`])) ??
    catalogues[current][key] ??
    (plural && (catalogues.en[plural] ?? catalogues.en[`${key}.other`])) ??
    catalogues.en[key] ??
    key;
  return fill(template, params);
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
