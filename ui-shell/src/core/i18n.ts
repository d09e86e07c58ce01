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
  document.documentElement.lang = next;
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

/** The text for `key` in the current language, with `{name}` placeholders filled. */
export function t(key: string, params?: Record<string, string | number>): string {
  const template = catalogues[current][key] ?? catalogues.en[key] ?? key;
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}
