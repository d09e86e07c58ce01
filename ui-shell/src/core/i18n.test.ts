import { describe, expect, it } from "vitest";
import { registerMessages, setLocale, t } from "./i18n.js";

registerMessages({
  ro: {
    "test.rows.one": "{count} rând",
    "test.rows.few": "{count} rânduri",
    "test.rows.other": "{count} de rânduri",
    "test.hello": "Salut, {name}",
  },
  en: {
    "test.rows.one": "{count} row",
    "test.rows.other": "{count} rows",
    "test.hello": "Hello, {name}",
    "test.only-en": "English only",
  },
});

describe("t", () => {
  it("picks the Romanian plural category of the count", () => {
    setLocale("ro");
    expect(t("test.rows", { count: 1 })).toBe("1 rând");
    expect(t("test.rows", { count: 3 })).toBe("3 rânduri");
    expect(t("test.rows", { count: 19 })).toBe("19 rânduri");
    expect(t("test.rows", { count: 20 })).toBe("20 de rânduri");
    expect(t("test.rows", { count: 101 })).toBe("101 rânduri");
  });

  it("uses English categories in English, and falls back to `other`", () => {
    setLocale("en");
    expect(t("test.rows", { count: 1 })).toBe("1 row");
    expect(t("test.rows", { count: 2 })).toBe("2 rows");
    setLocale("ro");
  });

  it("fills placeholders, falls back to English, then to the key", () => {
    setLocale("ro");
    expect(t("test.hello", { name: "Ana" })).toBe("Salut, Ana");
    expect(t("test.only-en")).toBe("English only");
    expect(t("test.missing")).toBe("test.missing");
    expect(t("test.hello", {})).toBe("Salut, {name}");
  });
});
