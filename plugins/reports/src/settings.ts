/** The plugin's settings: environment variables under its namespace (REPORTS_*). */
import { type PluginSettings, ValidationError } from "@roa2web/plugin-sdk";
import { type CacheTtls, DEFAULT_TTLS } from "./cache-policy.js";

export interface ReportsSettings {
  /** REPORTS_CACHE_CLOSED_TTL_MS and REPORTS_CACHE_OPEN_TTL_MS. */
  ttls: CacheTtls;
}

export function readReportsSettings(settings: PluginSettings): ReportsSettings {
  const closedMs = settings.number("CACHE_CLOSED_TTL_MS", DEFAULT_TTLS.closedMs);
  const openMs = settings.number("CACHE_OPEN_TTL_MS", DEFAULT_TTLS.openMs);
  for (const [name, value] of [
    ["CACHE_CLOSED_TTL_MS", closedMs],
    ["CACHE_OPEN_TTL_MS", openMs],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new ValidationError(
        `Setting ${settings.prefix}${name} must be a whole number of milliseconds from 1 (got "${value}")`,
      );
    }
  }
  return { ttls: { closedMs, openMs } };
}
