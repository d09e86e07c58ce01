/**
 * What the report cache keeps and for how long: keys built from everything that
 * changes an answer, and a TTL that depends on whether the books are closed.
 */
import type { AuthUser } from "@roa2web/plugin-sdk";

export const REPORT_NAMES = [
  "dashboard",
  "invoices",
  "aging",
  "treasury",
  "trial-balance",
] as const;
export type ReportName = (typeof REPORT_NAMES)[number];

export interface CacheTtls {
  /** For periods whose every month is closed: the numbers no longer change. */
  closedMs: number;
  /** For periods touching an open month: postings still arrive. */
  openMs: number;
}

export const DEFAULT_TTLS: CacheTtls = { closedMs: 24 * 60 * 60 * 1000, openMs: 60 * 1000 };

export function chooseTtl(closed: boolean, ttls: CacheTtls): number {
  return closed ? ttls.closedMs : ttls.openMs;
}

/** Scope keys of the frozen company lists the kernel hands out (one per signed-in user). */
const scopeKeys = new WeakMap<readonly number[], string>();

/** The caller's data scope as a key part: which companies they may see. */
export function scopeKey(companies: AuthUser["companies"]): string {
  if (companies === "*") return "all";
  let key = scopeKeys.get(companies);
  if (key === undefined) {
    key = [...new Set(companies)].sort((a, b) => a - b).join(".") || "none";
    // Only a list that cannot change may keep its key.
    if (Object.isFrozen(companies)) scopeKeys.set(companies, key);
  }
  return key;
}

/**
 * `<report>:<company>:<from>..<to>:<filters>:<scope>`. Report and company come first so
 * invalidation by report and/or company is a prefix. Filters are sorted by name and
 * URI-encoded, so the same question always gives the same key and a value cannot fake
 * a separator.
 */
export function reportCacheKey(parts: {
  report: ReportName;
  company: number;
  from: string;
  to: string;
  filters: Readonly<Record<string, string | number | undefined>>;
  scope: string;
}): string {
  // Built on every cached request: no arrays of pairs, no sort when the caller listed the
  // filters in order already, no encoding of what needs none.
  const names = Object.keys(parts.filters);
  if (!inOrder(names)) names.sort();
  let filters = "";
  for (const name of names) {
    const value = parts.filters[name];
    if (value === undefined) continue;
    filters += `${filters === "" ? "" : "&"}${keyPart(name)}=${keyPart(value)}`;
  }
  return `${parts.report}:${parts.company}:${parts.from}..${parts.to}:${filters}:${parts.scope}`;
}

function inOrder(names: readonly string[]): boolean {
  for (let index = 1; index < names.length; index++) {
    if ((names[index - 1] as string) > (names[index] as string)) return false;
  }
  return true;
}

/** Characters `encodeURIComponent` leaves as they are (and none of the key's separators). */
const PLAIN = /^[\w.~-]*$/;

function keyPart(value: string | number): string {
  const text = String(value);
  return PLAIN.test(text) ? text : encodeURIComponent(text);
}

/** The key prefixes one invalidation request removes. */
export function invalidationPrefixes(report?: ReportName, company?: number): string[] {
  if (report !== undefined && company !== undefined) return [`${report}:${company}:`];
  if (report !== undefined) return [`${report}:`];
  if (company !== undefined) return REPORT_NAMES.map((name) => `${name}:${company}:`);
  return [""];
}

/** Seconds since the value was stored, for the `Age` header. */
export function ageSeconds(storedAt: number, now: number): number {
  return Math.max(0, Math.floor((now - storedAt) / 1000));
}
