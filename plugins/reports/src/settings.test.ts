import type { PluginSettings } from "@roa2web/plugin-sdk";
import { describe, expect, it } from "vitest";
import { DEFAULT_TTLS } from "./cache-policy.js";
import { readReportsSettings } from "./settings.js";

function settingsOf(values: Record<string, string>): PluginSettings {
  return {
    prefix: "REPORTS_",
    values,
    string: (key, fallback) => values[key] ?? fallback,
    optionalString: (key) => values[key],
    number: (key, fallback) => (values[key] === undefined ? fallback : Number(values[key])),
    boolean: (_key, fallback) => fallback,
  };
}

describe("readReportsSettings", () => {
  it("defaults the TTLs", () => {
    expect(readReportsSettings(settingsOf({})).ttls).toEqual(DEFAULT_TTLS);
  });

  it("reads and checks them, naming the variable", () => {
    expect(readReportsSettings(settingsOf({ CACHE_OPEN_TTL_MS: "5000" })).ttls.openMs).toBe(5000);
    expect(() => readReportsSettings(settingsOf({ CACHE_CLOSED_TTL_MS: "0" }))).toThrow(
      /REPORTS_CACHE_CLOSED_TTL_MS/,
    );
  });

  it("takes a duration with a unit, within a month", () => {
    const ttls = readReportsSettings(
      settingsOf({ CACHE_OPEN_TTL_MS: "10m", CACHE_CLOSED_TTL_MS: "2d" }),
    ).ttls;
    expect(ttls).toEqual({ openMs: 600_000, closedMs: 2 * 86_400_000 });
    expect(() => readReportsSettings(settingsOf({ CACHE_CLOSED_TTL_MS: "31d" }))).toThrow(
      /REPORTS_CACHE_CLOSED_TTL_MS must be a duration from 1ms to 30d/,
    );
  });
});
