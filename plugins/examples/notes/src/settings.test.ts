import type { PluginSettings } from "@roa2web/plugin-sdk";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "@roa2web/plugin-sdk";
import { describe, expect, it } from "vitest";
import { readNotesSettings } from "./settings.js";

/** A stand-in for the kernel's settings object, for the one accessor used here. */
function settingsOf(values: Record<string, string>): PluginSettings {
  return {
    prefix: "NOTES_",
    values,
    string: (key, fallback) => values[key] ?? fallback,
    optionalString: (key) => values[key],
    number: (key, fallback) => (values[key] === undefined ? fallback : Number(values[key])),
    boolean: (key, fallback) => (values[key] === undefined ? fallback : values[key] === "true"),
  };
}

describe("readNotesSettings", () => {
  it("defaults the page size", () => {
    expect(readNotesSettings(settingsOf({}))).toEqual({ defaultPageSize: DEFAULT_PAGE_SIZE });
  });

  it("reads NOTES_DEFAULT_PAGE_SIZE", () => {
    expect(readNotesSettings(settingsOf({ DEFAULT_PAGE_SIZE: "50" })).defaultPageSize).toBe(50);
  });

  it.each(["0", String(MAX_PAGE_SIZE + 1), "2.5", "1e1", "0x10"])(
    "refuses %s and names the variable",
    (value) => {
      expect(() => readNotesSettings(settingsOf({ DEFAULT_PAGE_SIZE: value }))).toThrow(
        "Setting NOTES_DEFAULT_PAGE_SIZE must be a whole number",
      );
    },
  );
});
