import { describe, expect, it } from "vitest";
import { InternalError } from "./errors.js";
import {
  booleanSetting,
  choiceSetting,
  durationSetting,
  formatDuration,
  InvalidSettingError,
  integerSetting,
} from "./setting-readers.js";
import type { PluginSettings } from "./settings.js";

/** The settings of a plugin named `stock-count`, as the kernel hands them over. */
function settingsOf(values: Record<string, string>): PluginSettings {
  return {
    prefix: "STOCK_COUNT_",
    values,
    string: (key, fallback) => values[key] ?? fallback,
    optionalString: (key) => values[key],
    number: (key, fallback) => (values[key] === undefined ? fallback : Number(values[key])),
    boolean: (key, fallback) => (values[key] === undefined ? fallback : values[key] === "true"),
  };
}

function refusal(read: () => unknown): InvalidSettingError {
  try {
    read();
  } catch (error) {
    if (error instanceof InvalidSettingError) return error;
    throw error;
  }
  throw new Error("the value was accepted");
}

describe("integerSetting", () => {
  const range = { default: 20, min: 1, max: 100 };

  it("answers the default when the variable is unset or blank", () => {
    expect(integerSetting(settingsOf({}), "PAGE_SIZE", range)).toBe(20);
    expect(integerSetting(settingsOf({ PAGE_SIZE: "  " }), "PAGE_SIZE", range)).toBe(20);
  });

  it("reads a whole number within the range, ends included", () => {
    expect(integerSetting(settingsOf({ PAGE_SIZE: "1" }), "PAGE_SIZE", range)).toBe(1);
    expect(integerSetting(settingsOf({ PAGE_SIZE: " 100 " }), "PAGE_SIZE", range)).toBe(100);
  });

  it.each(["0", "101", "2.5", "1e2", "0x10", "ten", "-5", "9007199254740993"])(
    "refuses %j, naming the variable, the range and the value",
    (value) => {
      const error = refusal(() =>
        integerSetting(settingsOf({ PAGE_SIZE: value }), "PAGE_SIZE", range),
      );
      expect(error.message).toBe(
        `Setting STOCK_COUNT_PAGE_SIZE must be a whole number from 1 to 100 (got "${value}")`,
      );
      expect(error.details).toEqual({
        setting: "STOCK_COUNT_PAGE_SIZE",
        expected: "a whole number from 1 to 100",
      });
      // A deployment mistake: a 500 if it ever reached HTTP, never a 400 to a client.
      expect(error).toBeInstanceOf(InternalError);
      expect(error.statusCode).toBe(500);
    },
  );

  it("accepts negative numbers when the range does", () => {
    expect(
      integerSetting(settingsOf({ OFFSET: "-3" }), "OFFSET", { default: 0, min: -10, max: 10 }),
    ).toBe(-3);
  });
});

describe("booleanSetting", () => {
  it.each([
    ["true", true],
    ["YES", true],
    ["on", true],
    ["1", true],
    ["false", false],
    ["No", false],
    ["off", false],
    ["0", false],
  ])("reads %j as %s", (value, expected) => {
    expect(booleanSetting(settingsOf({ AUDIT: value }), "AUDIT", !expected)).toBe(expected);
  });

  it("answers the default when unset, and refuses anything else by name", () => {
    expect(booleanSetting(settingsOf({}), "AUDIT", true)).toBe(true);
    expect(
      refusal(() => booleanSetting(settingsOf({ AUDIT: "maybe" }), "AUDIT", false)).message,
    ).toBe('Setting STOCK_COUNT_AUDIT must be true or false (got "maybe")');
  });
});

describe("choiceSetting", () => {
  const languages = ["ro", "en"] as const;

  it("answers one of the choices, or the default", () => {
    expect(choiceSetting(settingsOf({ LANGUAGE: "en" }), "LANGUAGE", languages, "ro")).toBe("en");
    expect(choiceSetting(settingsOf({}), "LANGUAGE", languages, "ro")).toBe("ro");
  });

  it("refuses another value, listing the choices", () => {
    expect(
      refusal(() => choiceSetting(settingsOf({ LANGUAGE: "de" }), "LANGUAGE", languages, "ro"))
        .message,
    ).toBe('Setting STOCK_COUNT_LANGUAGE must be one of ro, en (got "de")');
  });
});

describe("durationSetting", () => {
  const range = { default: 600_000, min: 1000, max: 86_400_000 };
  const read = (value: string) => durationSetting(settingsOf({ TTL_MS: value }), "TTL_MS", range);

  it("reads bare milliseconds, as every *_MS variable was written so far", () => {
    expect(read("60000")).toBe(60_000);
    expect(durationSetting(settingsOf({}), "TTL_MS", range)).toBe(600_000);
  });

  it.each([
    ["1500ms", 1500],
    ["90s", 90_000],
    ["1.5s", 1500],
    ["1.1s", 1100],
    ["10m", 600_000],
    ["2 h", 7_200_000],
    ["1d", 86_400_000],
    ["10M", 600_000],
  ])("reads %j with its unit as %d ms", (value, ms) => {
    expect(read(value)).toBe(ms);
  });

  it.each(["999", "0.5s", "2d", "10 minutes", "-1s", "s", ""])(
    "refuses %j outside the range or unreadable, naming both ends",
    (value) => {
      if (value === "") {
        // Blank is unset: the default.
        expect(read(value)).toBe(600_000);
        return;
      }
      expect(refusal(() => read(value)).message).toBe(
        `Setting STOCK_COUNT_TTL_MS must be a duration from 1s to 1d: milliseconds (1000) or a number with ms, s, m, h or d (90s, 10m) (got "${value}")`,
      );
    },
  );

  it("refuses a fraction of a millisecond", () => {
    expect(() =>
      durationSetting(settingsOf({ TTL_MS: "1.5ms" }), "TTL_MS", { default: 5, min: 1, max: 10 }),
    ).toThrow(InvalidSettingError);
  });
});

describe("formatDuration", () => {
  it("says a duration in the largest unit that divides it exactly", () => {
    expect([1, 1500, 1000, 90_000, 600_000, 3_600_000, 86_400_000, 0].map(formatDuration)).toEqual([
      "1ms",
      "1500ms",
      "1s",
      "90s",
      "10m",
      "1h",
      "1d",
      "0ms",
    ]);
  });
});
