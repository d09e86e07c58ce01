/**
 * Typed readers for a plugin's settings (its `<NAMESPACE>_*` environment variables):
 * whole numbers and durations within a range, booleans, one of a list. Read them once
 * in `start`, so a malformed value fails the plugin at start with a message that names
 * the variable, the accepted values and what was given.
 */
import { InternalError } from "./errors.js";
import type { PluginSettings } from "./settings.js";

/**
 * A setting whose value cannot be used. A deployment mistake, not a bad request: it
 * fails the plugin's start (the reason shown in the admin page and the log), and is a
 * 500 if it ever reaches HTTP. `details` name the variable and what it accepts.
 */
export class InvalidSettingError extends InternalError {
  constructor(variable: string, expected: string, given: string) {
    super(`Setting ${variable} must be ${expected} (got "${given}")`, {
      details: { setting: variable, expected },
    });
  }
}

export interface IntegerSettingOptions {
  /** Used when the variable is not set (or blank). */
  default: number;
  /** Smallest accepted value (inclusive). */
  min: number;
  /** Largest accepted value (inclusive). */
  max: number;
}

/** A duration in milliseconds; `default`, `min` and `max` are milliseconds too. */
export type DurationSettingOptions = IntegerSettingOptions;

/** The raw text of a variable, or undefined when unset or blank (as the kernel treats both). */
function raw(settings: PluginSettings, key: string): string | undefined {
  const value = settings.values[key]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

const INTEGER = /^[+-]?\d+$/;

/** `DATA_ENTRY_MAX_ATTACHMENTS=20`: a whole number from `min` to `max`. */
export function integerSetting(
  settings: PluginSettings,
  key: string,
  { default: fallback, min, max }: IntegerSettingOptions,
): number {
  const value = raw(settings, key);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!INTEGER.test(value) || !Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    throw new InvalidSettingError(
      `${settings.prefix}${key}`,
      `a whole number from ${min} to ${max}`,
      value,
    );
  }
  return parsed;
}

const TRUE = new Set(["1", "true", "yes", "on"]);
const FALSE = new Set(["0", "false", "no", "off"]);

/** `NOTES_AUDIT=on`: true, false, yes, no, on, off, 1 or 0 (any case). */
export function booleanSetting(settings: PluginSettings, key: string, fallback: boolean): boolean {
  const value = raw(settings, key);
  if (value === undefined) return fallback;
  const lower = value.toLowerCase();
  if (TRUE.has(lower)) return true;
  if (FALSE.has(lower)) return false;
  throw new InvalidSettingError(`${settings.prefix}${key}`, "true or false", value);
}

/** `DATA_ENTRY_RECORDS_LANGUAGE=en`: one of a fixed list (exact, case-sensitive). */
export function choiceSetting<T extends string>(
  settings: PluginSettings,
  key: string,
  choices: readonly T[],
  fallback: T,
): T {
  const value = raw(settings, key);
  if (value === undefined) return fallback;
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw new InvalidSettingError(`${settings.prefix}${key}`, `one of ${choices.join(", ")}`, value);
}

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
type Unit = keyof typeof UNIT_MS;
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/i;

/** 600000 → "10m", 1500 → "1500ms": the largest unit that divides it exactly. */
export function formatDuration(ms: number): string {
  for (const unit of ["d", "h", "m", "s"] as const) {
    if (ms !== 0 && ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  }
  return `${ms}ms`;
}

/**
 * `REPORTS_CACHE_OPEN_TTL_MS=600000` or `=10m`: milliseconds, or a number with a unit
 * (ms, s, m, h, d), from `min` to `max` milliseconds. Answers milliseconds. The unit
 * is optional so existing `*_MS` values keep their meaning.
 */
export function durationSetting(
  settings: PluginSettings,
  key: string,
  { default: fallback, min, max }: DurationSettingOptions,
): number {
  const value = raw(settings, key);
  if (value === undefined) return fallback;
  const match = DURATION.exec(value);
  // Rounded to a thousandth first: 1.1 × 1000 is 1100.0000000000002 in floating point.
  const ms = match
    ? Math.round(Number(match[1]) * UNIT_MS[(match[2] ?? "ms").toLowerCase() as Unit] * 1000) / 1000
    : Number.NaN;
  if (!Number.isSafeInteger(ms) || ms < min || ms > max) {
    throw new InvalidSettingError(
      `${settings.prefix}${key}`,
      `a duration from ${formatDuration(min)} to ${formatDuration(max)}: milliseconds (${min}) or a number with ms, s, m, h or d (90s, 10m)`,
      value,
    );
  }
  return ms;
}
