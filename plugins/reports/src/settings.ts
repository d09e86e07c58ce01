/** The plugin's settings: environment variables under its namespace (REPORTS_*). */
import { durationSetting, type PluginSettings } from "@roa2web/plugin-sdk";
import { type CacheTtls, DEFAULT_TTLS } from "./cache-policy.js";

/** Longer than a month is a mistake (a closed month's figures are re-read daily by default). */
const MAX_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export interface ReportsSettings {
  /** REPORTS_CACHE_CLOSED_TTL_MS and REPORTS_CACHE_OPEN_TTL_MS (milliseconds, or `10m`, `1d`). */
  ttls: CacheTtls;
}

export function readReportsSettings(settings: PluginSettings): ReportsSettings {
  const ttl = (key: string, fallback: number) =>
    durationSetting(settings, key, { default: fallback, min: 1, max: MAX_TTL_MS });
  return {
    ttls: {
      closedMs: ttl("CACHE_CLOSED_TTL_MS", DEFAULT_TTLS.closedMs),
      openMs: ttl("CACHE_OPEN_TTL_MS", DEFAULT_TTLS.openMs),
    },
  };
}
