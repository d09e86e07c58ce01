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
});
